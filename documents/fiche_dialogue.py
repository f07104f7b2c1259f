"""The sheet of the yearly management dialogue (« dialogue de gestion ») of one SIAE: identity
and agreement, key figures n-2..n beside its peers, its points of attention, and blank fields
for the meeting. One A4 PDF, built on click from frames the caller has read in its scope.
"""

from __future__ import annotations

import polars as pl

from ui import attention, labels
from ui.format import VIDE, fmt_valeur
from warehouse import regles
from warehouse.queries_attention import INDICATEURS_PAIRS, MIN_COMPARABLES

CHIFFRES = ("etp_conventionnes", "etp_insertion", "taux_realisation_etp", "nb_salaries", "nb_sorties",
            "taux_sortie_dynamique", "taux_emploi_durable", "taux_encadrement", "chiffre_affaires",
            "financement_public", "ratio_public_ca", "fonds_propres", "fonds_propres_pct_ca", "cout_public_par_etp")
RETOURS = (("retour_structure", "structure"), ("retour_salaries", "salaries_insertion"),
           ("retour_personnel", "personnel_permanent"), ("retour_finances", "finances"))
QUARTILE_COURT = {1: "1er quartile", 2: "2e quartile", 3: "3e quartile", 4: "4e quartile"}
CHAMPS = (("Points forts relevés", 3), ("Difficultés exposées par la structure", 4),
          ("Engagements et suites convenus", 4), ("Observations de la DDETS", 3))
SOURCES = ("Sources : registre des conventions et retours annuels des SIAE (fiche structure, salariés en "
           "insertion, personnel permanent, finances), Observatoire IAE{version}. Indicateurs : définitions du "
           "« Référentiel des indicateurs ». Édité le {date}.")


def nom_fichier(siret: str, annee: int) -> str:
    return f"dialogue_gestion_{siret}_{annee}.pdf"


def _pair(positions: pl.DataFrame, annee: int, indicateur: str, groupe: str) -> dict | None:
    r = positions.filter((pl.col("annee") == annee) & (pl.col("indicateur") == indicateur)
                         & (pl.col("groupe") == groupe))
    return r.row(0, named=True) if r.height else None


def lignes_chiffres(fiche: pl.DataFrame, positions: pl.DataFrame, annee: int) -> list[list[str]]:
    """One line per key figure: its label, n-2, n-1, n, the medians of the type in the basin and
    the department in n, and the structure's quartile in the department."""
    par_annee = {r["annee"]: r for r in fiche.iter_rows(named=True)}
    out = []
    for col in CHIFFRES:
        unit = labels.unite(col)
        ligne = [labels.colonne(col)] + [fmt_valeur(par_annee[a][col], unit) if a in par_annee else VIDE
                                         for a in (annee - 2, annee - 1, annee)]
        if col in INDICATEURS_PAIRS:
            bassin, dep = (_pair(positions, annee, col, g) for g in ("BASSIN", "DEPARTEMENT"))
            for p in (bassin, dep):
                ligne.append(fmt_valeur(p["mediane"], unit) if p and p["publie"] else "non publiée")
            ligne.append(QUARTILE_COURT.get(dep["quartile"], VIDE) if dep and dep["publie"] else VIDE)
        else:
            ligne += ["", "", ""]
        out.append(ligne)
    return out


def fiche_pdf(fiche: pl.DataFrame, positions: pl.DataFrame, points: pl.DataFrame, *, annee: int,
              version: str = "") -> bytes:
    """The sheet as PDF bytes. `fiche`: queries.fiche_siae (n-2..n); `positions`:
    queries_attention.positions_pairs; `points`: queries_attention.points_attention of the SIAE."""
    from documents.pdf import Document, aujourdhui  # fpdf: 0.35 s of imports, paid on the click only

    ident = fiche.filter(pl.col("annee") == annee).row(0, named=True)
    type_court = labels.type_siae(ident["type_siae"])
    doc = Document(f"Dialogue de gestion {annee} : {ident['raison_sociale']}",
                   SOURCES.format(version=f", {version}" if version else "", date=aujourdhui()))

    doc.texte(f"Dialogue de gestion {annee}", 10, "B", (60, 60, 60))
    doc.titre(ident["raison_sociale"])
    doc.texte(f"**SIRET** : {ident['siret']}    **Type** : {labels.type_siae_long(ident['type_siae'])}")
    doc.texte(f"**Commune** : {ident['nom_commune'] or ident['commune_insee']}    **Bassin** : "
              f"{labels.bassin(ident['bassin'])}")
    doc.texte(f"**Convention {annee}** : {fmt_valeur(ident['etp_conventionnes'], 'etp')} ETP conventionnés")
    doc.texte(f"**Retours {annee}** : " + " ; ".join(
        f"{labels.source(t)} {'reçu' if ident[c] else 'manquant'}" for c, t in RETOURS))

    doc.section(f"Chiffres clés {annee - 2} à {annee}, comparés aux {type_court}")
    doc.tableau(["Indicateur", str(annee - 2), str(annee - 1), str(annee), f"Médiane bassin {annee}",
                 f"Médiane département {annee}", f"Position {annee}"],
                lignes_chiffres(fiche, positions, annee), [46, 19, 19, 19, 25, 27, 25])
    doc.texte(f"Médianes et position parmi les {type_court} conventionnées la même année, dans le bassin et dans "
              f"le département ; position : le quartile de la structure dans le département (le 1er quartile "
              f"regroupe le quart des valeurs les plus basses). « non publiée » : moins de {MIN_COMPARABLES} structures "
              "comparables, ou secret statistique. « {VIDE} » : valeur inconnue (retour non reçu, ou dénominateur nul).",
              7.5, "I", (80, 80, 80))

    bande = attention.bande_pairs(positions, annee)
    if not bande.is_empty():
        doc.ln(2)
        doc.graphique(attention.graphique_pairs(bande, annee=annee, type_siae=ident["type_siae"], largeur=560),
                      largeur=180)

    doc.section(f"Points d'attention {annee}")
    if points.is_empty():
        doc.texte("Aucune règle ne signale cette structure cette année.")
    for p in attention.avec_libelles(points).iter_rows(named=True):
        r = regles.regles().get(p["regle"])
        seuil = f" (seuil : {p['seuil_texte']})" if p["seuil"] is not None else ""
        doc.texte(f"**{p['regle_libelle']}** : {p['valeur_texte']}{seuil}. {r.condition if r else ''}")
        doc.ln(0.8)

    doc.section("Échanges lors du dialogue de gestion")
    doc.texte("Date de l'entretien : ……………………    Participants : ……………………………………………………………", 9.5)
    doc.ln(2)
    for libelle, n in CHAMPS:
        doc.champ(libelle, n)
    return doc.octets()
