"""The committee pack as a printable A4 landscape PDF: a cover, the key figures against n-1
and the department, the main charts (the pages' own Altair builders, rendered by
vl-convert), the map of the communes where the year's demand figures are loaded, the structures, the action plan's follow-up where it exists, the points of
attention, and what changed since the last committee. Readable in black and white: every
bar and point carries its value, and tables say « secret » where secrecy hides a figure.
"""

from __future__ import annotations

import polars as pl

from documents.comite import TOUS, Dossier, changes_en_texte, libelle_territoire, valeur_texte
from documents.pdf import Document, aujourdhui
from ui import attention, carte, charts, labels
from ui.format import VIDE, date_fr, fmt_evolution, pluriel

CLES = ("nb_siae", "taux_retour", "nb_salaries", "nb_entrees", "nb_sorties", "etp_conventionnes", "etp_insertion",
        "taux_realisation_etp", "taux_sortie_dynamique", "taux_emploi_durable", "part_femmes", "part_rsa",
        "etp_permanents", "chiffre_affaires", "financement_public", "ratio_public_ca", "fonds_propres_pct_ca")
TENDANCES = ("nb_salaries", "taux_sortie_dynamique", "ratio_public_ca")
COMPARES = ("taux_realisation_etp", "taux_sortie_dynamique", "taux_retour")
# The structures table: (column, width in mm); 267 mm across an A4 landscape page.
STRUCTURES = (("raison_sociale", 58), ("type_siae", 12), ("nom_commune", 28), ("retour_complet", 15),
              ("etp_conventionnes", 17), ("nb_salaries", 15), ("etp_insertion", 17), ("taux_realisation_etp", 17),
              ("taux_sortie_dynamique", 17), ("taux_emploi_durable", 17), ("chiffre_affaires", 21),
              ("ratio_public_ca", 16), ("cout_public_par_etp", 17))
SOURCES = ("Sources : registre des conventions et retours annuels des SIAE, Observatoire IAE, {version}. "
           "Définitions : « Référentiel des indicateurs ». {secret}Édité le {date}.")
NOTE_SECRET = "Secret statistique appliqué : « secret » marque une valeur masquée. "


def _cellule(row: dict | None, col: str) -> str:
    if row is None:
        return VIDE
    return valeur_texte(row.get(col), row.get(f"_secret_{col}"), labels.unite(col))


def lignes_cles(d: Dossier) -> list[list[str]]:
    """One line per key figure: the territory n-1, n, the change, then (for a basin) the department n-1, n."""
    n, n1 = d.ligne(d.territoire, d.annee), d.ligne(d.territoire, d.annee - 1)
    dn, dn1 = d.ligne(d.departement, d.annee), d.ligne(d.departement, d.annee - 1)
    out = []
    for col in CLES:
        unit = labels.unite(col)
        hidden = any(r and r.get(f"_secret_{col}") for r in (n, n1))
        evolution = None if hidden or not n or not n1 else fmt_evolution(n.get(col), n1.get(col), unit)
        ligne = [labels.colonne(col), _cellule(n1, col), _cellule(n, col), evolution or VIDE]
        if d.bassin != TOUS:
            ligne += [_cellule(dn1, col), _cellule(dn, col)]
        out.append(ligne)
    return out


def _couverture(doc: Document, d: Dossier) -> None:
    doc.ln(30)
    doc.texte("Comité technique d'animation de l'insertion par l'activité économique", 13, "B", (70, 70, 70))
    doc.ln(4)
    doc.titre(f"Dossier de séance : {libelle_territoire(d.bassin)}, année {d.annee}", 24)
    doc.ln(6)
    doc.texte(f"**Édité le** {aujourdhui()}", 12)
    doc.texte(f"**Données** : entrepôt de l'Observatoire IAE, {d.version}", 12)
    if d.depuis:
        doc.texte(f"**Ce qui a changé depuis le dernier comité** : le {d.depuis:%d/%m/%Y} "
                  f"(comparé à la {d.version_depuis})", 12)
    if d.scope.secret_statistique:
        doc.texte("**Diffusion** : secret statistique appliqué ; une valeur qui permettrait de reconnaître une "
                  "personne ou une structure est remplacée par « secret ».", 12)
    doc.ln(8)
    sommaire = ["Chiffres clés, comparés à l'année précédente et au département", "Graphiques"]
    if d.communes is not None:
        sommaire.append("Carte des communes")
    sommaire.append("Les structures")
    if d.objectifs is not None:
        sommaire.append("Suivi des objectifs du plan d'action")
    sommaire.append("Points d'attention")
    if d.depuis:
        sommaire.append(f"Ce qui a changé depuis le {d.depuis:%d/%m/%Y}")
    doc.texte("**Sommaire**", 12)
    for i, s in enumerate(sommaire, start=1):
        doc.texte(f"{i}. {s}", 11)
    doc.ln(4)
    doc.texte("Le classeur Excel du même nom donne chaque tableau en entier, avec ses filtres et les définitions "
              "des indicateurs.", 10, "I", (80, 80, 80))


def _cles(doc: Document, d: Dossier) -> None:
    doc.section(f"Chiffres clés {d.annee}, comparés à {d.annee - 1}"
                + ("" if d.bassin == TOUS else " et au département"))
    nom = labels.bassin(d.bassin) if d.bassin != TOUS else "Département"
    entetes = ["Indicateur", f"{nom} {d.annee - 1}", f"{nom} {d.annee}", f"Évolution {d.annee - 1}-{d.annee}"]
    largeurs = [85, 36, 36, 36]
    if d.bassin != TOUS:
        entetes += [f"Département {d.annee - 1}", f"Département {d.annee}"]
        largeurs += [37, 37]
    doc.tableau(entetes, lignes_cles(d), largeurs)
    doc.texte(f"Évolution : en points pour les taux. « {VIDE} » : valeur inconnue (retour non reçu, ou rapport dont "
              "le dénominateur est nul). Les sommes et les taux portent sur les SIAE qui ont transmis le retour "
              "concerné.", 7.5, "I", (80, 80, 80))


def _taille(chart, largeur: int = 330, hauteur: int | None = None):
    """A chart sized for the page (the pages' builders leave the width to the screen)."""
    chart.width = largeur
    if hauteur:
        chart.height = hauteur
    return chart


def _graphiques(doc: Document, d: Dossier) -> None:
    doc.add_page()
    doc.section("Graphiques")
    sous_titre = libelle_territoire(d.bassin)
    serie = d.territoire.filter(pl.col("annee") <= d.annee)
    tendances = [_taille(charts.tendance(serie, c, sous_titre=sous_titre), hauteur=200) for c in TENDANCES
                 if serie[c].drop_nulls().len()]
    compares = [_taille(charts.barres_bassins(d.bassins, c, sous_titre=f"{d.annee} · tous types"))
                for c in COMPARES if d.bassins.height]
    if not tendances and not compares and d.sorties.is_empty():
        doc.texte("Aucune valeur à tracer : les retours nécessaires ne sont pas reçus.")
        return
    doc.graphiques(tendances + compares, par_ligne=3)
    if not d.sorties.is_empty():
        doc.graphiques([_taille(charts.sorties(d.sorties, sous_titre=f"{sous_titre} · {d.annee}"), 520)],
                       par_ligne=1, largeur=180)
    if any(c.startswith("_secret_") for c in d.territoire.columns):
        doc.texte("Certaines valeurs ne sont pas tracées : elles sont masquées par le secret statistique.", 7.5,
                  "I", (80, 80, 80))


def titre_carte(d: Dossier, col: str) -> str:
    return f"Carte : {labels.colonne(col)} par commune, {libelle_territoire(d.bassin)}, {d.annee}"


def _carte(doc: Document, d: Dossier) -> None:
    """The « Territoires » page's map, coloured by the indicator the page opens on, on its own page."""
    if d.communes is None:
        return  # no demand figures for the year: the page has no map either
    formes = carte.contours()
    communes = d.communes.filter(pl.col("commune_insee").is_in(list(formes)))
    # The page's first choice among what this reader may see (ui.territoires.visibles: a column
    # hidden from the reader comes with its `_secret_` reason).
    col = next(c for c in carte.INDICATEURS_CARTE if f"_secret_{c}" not in d.communes.columns)
    doc.add_page()
    doc.section(titre_carte(d, col))
    if communes.is_empty():
        doc.texte("Pas de carte : aucune commune de ce territoire n'a de contour.")
        return
    chart = carte.carte_communes(communes, col, formes, sous_titre=f"{libelle_territoire(d.bassin)} · {d.annee}",
                                 noms=True)
    chart.width, chart.height = 820, 560  # "container" has no width outside a page
    doc.graphique(chart, doc.epw, hauteur=doc.h - doc.get_y() - 36)
    doc.texte("Demande : demandeurs d'emploi A, B, C au 31/12 (France Travail). Offre : conventions de l'année ; une "
              "SIAE compte dans la commune de son siège. " + carte.source_contours(), 7.5, "I", (80, 80, 80))


def _structures(doc: Document, d: Dossier) -> None:
    doc.add_page()
    doc.section(f"Les structures {d.annee} ({pluriel(d.structures.height, 'SIAE', 'SIAE')})")
    if d.structures.is_empty():
        doc.texte("Aucune SIAE conventionnée pour cette sélection.")
        return
    lignes = []
    for r in d.structures.iter_rows(named=True):
        lignes.append([str(r[c]) if c in ("raison_sociale", "type_siae") else
                       (r[c] or VIDE) if c == "nom_commune" else _cellule(r, c) for c, _ in STRUCTURES])
    doc.tableau([labels.colonne(c) for c, _ in STRUCTURES], lignes, [w for _, w in STRUCTURES], taille=7)


def _objectifs(doc: Document, d: Dossier) -> None:
    if d.objectifs is None:
        return
    doc.section(f"Suivi des objectifs du plan d'action {d.annee}")
    if d.objectifs.is_empty():
        doc.texte("Aucun objectif du plan d'action pour ce territoire cette année.")
        return
    lignes = []
    for r in d.objectifs.iter_rows(named=True):
        unit = labels.unite(r["indicateur"]) if labels.indicateur(r["indicateur"]) else "decimal"
        realise = "secret" if r.get("secret") else valeur_texte(r.get("realise"), None, unit)
        lignes.append([str(r["action"]), labels.colonne(r["indicateur"]) if labels.indicateur(r["indicateur"])
                       else str(r["indicateur"]), labels.bassin(r["bassin"]), valeur_texte(r["cible"], None, unit),
                       realise, str(r.get("statut") or VIDE).replace("_", " ").capitalize()])
    doc.tableau(["Action", "Indicateur", "Territoire", "Cible", "Réalisé", "Statut"], lignes, [95, 70, 30, 22, 22, 28],
                aligner="LEFT", taille=7.5)


def _points(doc: Document, d: Dossier) -> None:
    doc.section(f"Points d'attention {d.annee}")
    if d.points.is_empty():
        doc.texte("Aucune règle ne signale de structure de ce territoire cette année.")
        return
    detail = attention.avec_libelles(d.points)
    lignes = [[r["raison_sociale"], labels.bassin(r["bassin"]), r["regle_libelle"], r["valeur_texte"],
               r["seuil_texte"] if r["seuil"] is not None else VIDE] for r in detail.iter_rows(named=True)]
    doc.tableau(["Structure", "Bassin", "Règle", "Valeur", "Seuil"], lignes, [80, 25, 112, 25, 25], aligner="LEFT",
                taille=7.5)


def _depuis(doc: Document, d: Dossier) -> None:
    if d.depuis is None:
        return
    doc.add_page()
    doc.section(f"Ce qui a changé depuis le dernier comité ({d.depuis:%d/%m/%Y})")
    doc.texte(f"Comparaison de l'entrepôt au {d.depuis:%d/%m/%Y} ({d.version_depuis}) avec l'entrepôt "
              f"d'aujourd'hui ({d.version}).", 9)
    r = d.retours
    comptes = r.group_by("changement_libelle", maintain_order=True).len()
    doc.texte(f"**Retours {d.annee}** : " + (" ; ".join(
        f"{lib.lower()} : {n}" for lib, n in comptes.iter_rows()) if comptes.height else "aucun changement") + ".")
    if r.height:
        doc.tableau(["Structure", "SIRET", "Type", "Retour", "Depuis le dernier comité", "Reçu le"],
                    [[x["raison_sociale"], x["siret"], x["type_siae"], x["template_libelle"], x["changement_libelle"],
                      date_fr(x["recu_le"])] for x in r.iter_rows(named=True)], [75, 32, 15, 50, 55, 40],
                    aligner="LEFT", taille=7.5)
    doc.ln(2)
    ind = changes_en_texte(d.indicateurs)
    doc.texte(f"**Indicateurs du territoire qui ont changé** ({libelle_territoire(d.bassin)}, tous types)"
              + ("" if ind.height else " : aucun."))
    if ind.height:
        doc.tableau(["Indicateur", "Année", f"Au {d.depuis:%d/%m/%Y}", "Aujourd'hui"],
                    [[x["libelle"], str(x["annee"]), x["avant"], x["apres"]] for x in ind.iter_rows(named=True)],
                    [110, 30, 50, 50])


def pdf(d: Dossier) -> bytes:
    doc = Document(f"Dossier de comité {d.annee} : {libelle_territoire(d.bassin)}",
                   SOURCES.format(version=d.version, date=aujourdhui(),
                                  secret=NOTE_SECRET if d.scope.secret_statistique else ""), paysage=True)
    _couverture(doc, d)
    doc.add_page()
    _cles(doc, d)
    _graphiques(doc, d)
    _carte(doc, d)
    _structures(doc, d)
    _objectifs(doc, d)
    _points(doc, d)
    _depuis(doc, d)
    return doc.octets()
