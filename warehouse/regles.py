"""The rules of the points of attention: one home for their words (the glossary page, the
« Points d'attention » page and the management-dialogue sheet read them).

The conditions themselves live once, in sql/marts/points_attention.sql; their thresholds in
config/observatoire.toml [points_attention] (warehouse.settings.SeuilsAttention). The texts
here quote those settings, so the glossary says the threshold in force.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse import settings


@dataclass(frozen=True)
class Regle:
    code: str
    libelle: str  # short, for tables and the sheet
    condition: str  # when it fires, with its threshold in force
    pourquoi: str  # why an officer looks at it
    unite: str  # unit of `valeur` (warehouse.catalogue units)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}\u202f%".replace("-", "−")


def _euros(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f").replace("-", "−") + "\u202f€"


def regles() -> dict[str, Regle]:
    """The rules, in the order of the contract, with the thresholds of the configuration."""
    s = settings.seuils_attention()
    return {r.code: r for r in (
        Regle("FONDS_PROPRES_NEGATIFS_3_ANS", "Fonds propres négatifs trois ans de suite",
              f"Fonds propres inférieurs à {_euros(s.fonds_propres)} l'année, l'année précédente et celle "
              "d'avant (valeur : les fonds propres de l'année).",
              "Des pertes répétées qui entament durablement la structure : sa capacité à poursuivre l'activité, "
              "donc l'accompagnement des salariés, est en jeu.", "euros"),
        Regle("SOUS_REALISATION_ETP", "ETP sous-réalisés",
              f"Taux de réalisation des ETP inférieur à {_pct(s.sous_realisation_etp)}.",
              "Des postes d'insertion financés mais non pourvus : l'aide au poste peut être réajustée et les "
              "raisons (recrutement, activité) discutées.", "pourcentage"),
        Regle("SUR_REALISATION_ETP", "ETP sur-réalisés",
              f"Taux de réalisation des ETP supérieur à {_pct(s.sur_realisation_etp)}.",
              "Plus d'heures d'insertion que le conventionnement ne finance : besoin d'un avenant, ou d'un "
              "contrôle des heures déclarées.", "pourcentage"),
        Regle("BAISSE_CA", "Forte baisse du chiffre d'affaires",
              f"Chiffre d'affaires en baisse de plus de {_pct(-s.baisse_ca)} par rapport à l'année précédente.",
              "Une activité économique qui recule fragilise le support d'insertion et les finances.",
              "pourcentage"),
        Regle("DEPENDANCE_PUBLIQUE", "Forte dépendance au financement public",
              "Financement public / chiffre d'affaires au-dessus du 9e décile des SIAE du même type dans le "
              f"département la même année (seuil : ce décile), calculé seulement lorsque le type compte au moins "
              f"{s.dependance_publique_min_siae} SIAE dont le ratio est connu.",
              "Parmi les 10 % de structures de son type les plus dépendantes des aides : le modèle économique "
              "est à interroger.", "pourcentage"),
        Regle("RETOUR_MANQUANT", "Retours incomplets",
              "Au moins un des quatre retours de l'année (fiche structure, salariés, personnel, finances) n'a "
              "pas été reçu (valeur : le nombre de retours manquants).",
              "Sans ses retours, la structure ne peut pas être suivie : ses indicateurs restent inconnus.",
              "nombre"),
    )}


def libelle(code: str) -> str:
    r = regles().get(code)
    return r.libelle if r else code
