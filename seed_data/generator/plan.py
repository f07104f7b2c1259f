"""The territorial action plan of the seed (template `objectifs`): the study's four axes, a few
objectives per axis for the department and per basin, some measured by the Observatoire's own
indicators, some by hand. One CSV per year, as a DDETS officer saves it from French Excel
(Windows-1252, `;`, decimal comma, JJ/MM/AAAA dates). Targets sit near the seed's figures, so a
plan has objectives met and missed; the last year's hand-measured figures are not entered yet.
"""

from __future__ import annotations

from pathlib import Path

from contract import TEMPLATES

AXE_1 = "Axe 1 : renforcer la coopération entre les acteurs de l'IAE"
AXE_2 = "Axe 2 : renforcer la concertation sur les financements publics"
AXE_3 = "Axe 3 : renforcer les compétences et les moyens de formation"
AXE_4 = "Axe 4 : renforcer la professionnalisation des structures"
BASSINS = {"NORD": "Nord", "EST": "Est", "OUEST": "Ouest", "SUD": "Sud"}

# (axe, action, objectif, bassin, type_siae, indicateur, cible by year rank, sens, pilote, acteurs, moyens,
#  realised by hand by year rank, None when not entered)
_DEPARTEMENT = [
    (AXE_1, "Comité de coordination départemental", "Neuf retours annuels complets sur dix", "TOUS", "",
     "Taux de retour", (0.9, 0.9, 0.9), "AU_MOINS", "DDETS", "CDIAE, réseaux IAE", "Relances trimestrielles",
     None),
    (AXE_1, "Actions mutualisées entre SIAE", "Développer les achats et prestations en commun", "TOUS", "TOUS",
     "Nombre d'actions mutualisées", (4, 6, 8), "AU_MOINS", "Réseaux IAE", "SIAE volontaires", "Animation réseau",
     (3, 6, None)),
    (AXE_2, "Ratios communs sur les budgets", "Contenir la part du financement public des ACI", "TOUS", "ACI",
     "ratio_public_ca", (3.5, 3.5, 3.4), "AU_PLUS", "DDETS", "Département, Région, communes",
     "Grille de ratios commune", None),
    (AXE_2, "Ratios communs sur les budgets", "Financement public des EI sous 20 % du chiffre d'affaires", "TOUS",
     "EI", "Financement public / CA", (0.2, 0.2, 0.2), "AU_PLUS", "DDETS", "Financeurs publics", "", None),
    (AXE_2, "Dialogues de gestion concertés", "Un dialogue de gestion par financeur et par an", "TOUS", "TOUS",
     "Dialogues de gestion concertés", (4, 4, 4), "AU_MOINS", "DDETS", "Département, Région, France Travail", "",
     (3, 4, None)),
    (AXE_3, "Plan de formation des encadrants", "Former les encadrants techniques", "TOUS", "TOUS",
     "Encadrants techniques formés", (20, 25, 30), "AU_MOINS", "OPCO", "Organismes de formation",
     "Crédits de formation mutualisés", (18, 26, None)),
    (AXE_3, "Postes d'insertion pourvus", "Réaliser les ETP conventionnés", "TOUS", "TOUS",
     "taux_realisation_etp", (0.95, 0.95, 0.97), "AU_MOINS", "DDETS", "SIAE", "", None),
    (AXE_4, "Appui à la gestion des structures", "Structures accompagnées par le DLA", "TOUS", "TOUS",
     "Structures accompagnées par le DLA", (6, 8, 10), "AU_MOINS", "Réseaux IAE", "DLA", "", (7, 9, None)),
]


def _par_bassin(bassin: str) -> list[tuple]:
    nom = BASSINS[bassin]
    return [
        (AXE_1, "Accompagnement vers l'emploi", "Six sorties dynamiques sur dix", bassin, "TOUS",
         "taux_sortie_dynamique", (0.6, 0.6, 0.62), "AU_MOINS", f"CTA {nom}", "SIAE, France Travail",
         "Job dating de bassin", None),
        (AXE_4, "Qualité des retours annuels", "Neuf retours complets sur dix", bassin, "TOUS", "taux_retour",
         (0.9, 0.9, 0.9), "AU_MOINS", f"CTA {nom}", "SIAE du bassin", "", None),
    ]


OBJECTIFS = _DEPARTEMENT + [o for b in BASSINS for o in _par_bassin(b)]


def _nombre(v) -> str:
    return "" if v is None else f"{v:g}".replace(".", ",")


def rows(year: int, rank: int) -> list[list[str]]:
    """The plan of `year` (rank: its place among the seed years) as text cells, template order."""
    out = []
    for axe, action, objectif, bassin, type_siae, ind, cibles, sens, pilote, acteurs, moyens, saisis in OBJECTIFS:
        out.append([str(year), bassin, type_siae, axe, action, objectif, ind, _nombre(cibles[rank]), sens,
                    _nombre(saisis[rank] if saisis else None), pilote, acteurs, moyens, f"31/12/{year}"])
    return out


def write_plans(out_dir: Path, years: list[int]) -> list[Path]:
    """One `plan_action_<year>.csv` per year, in the year's folder."""
    header = [c.label for c in TEMPLATES["objectifs"].columns]
    written = []
    for rank, year in enumerate(years[-3:]):
        path = out_dir / str(year) / f"plan_action_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [";".join(header)] + [";".join(r) for r in rows(year, rank)]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        written.append(path)
    return written
