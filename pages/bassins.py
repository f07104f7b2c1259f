"""Bassins: the four employment basins side by side, and a projection mode for CTA meetings."""

from dataclasses import replace

import polars as pl
import streamlit as st

from ui import charts, data, labels, page

f = page.filtres()
COMPARES = [
    ("nb_siae", "off"), ("nb_salaries", "normal"), ("etp_insertion", "normal"), ("taux_realisation_etp", "normal"),
    ("taux_sortie_dynamique", "normal"), ("taux_emploi_durable", "normal"), ("ratio_public_ca", "off"),
    ("taux_retour", "normal"),
]

projection = st.toggle("Mode projection (comité technique d'animation)", key="projection", bind="query-params",
                       help="Grand écran : un bassin à la fois, en grands caractères, sans barre latérale. "
                            "Le lien de la page garde le mode et le bassin.")

if len(f.types) > 1:
    choisi = st.segmented_control("Type de SIAE comparé", list(f.types), key="type_compare", default=f.types[0],
                                  format_func=labels.type_siae, required=True)
    f = replace(f, types=(choisi,))

bassins = data.lire("territoire", f, par_bassin=True)["bassin"].to_list()

if projection:
    page.mode_projection()
    if not bassins:
        page.sans_donnees("Bassins", f"Aucune SIAE conventionnée en {f.annee} pour cette sélection.")
        st.stop()
    titre, choix = st.columns([3, 2], vertical_alignment="center")
    bassin = page.bassin_projete(choix, bassins)
    fb = replace(f, bassins=(bassin,))
    titre.title(f"Bassin {labels.bassin(bassin)} · {f.annee} · {labels.types_texte(f.types)}")
    premiere = data.lire("annees", fb)["annee"].min()
    reunion = data.lire("territoire", replace(f, bassins=())).filter(pl.col("annee") == f.annee)
    page.chiffres_projection(fb, data.lire("territoire", fb, depuis=premiere),
                             reunion.row(0, named=True) if reunion.height == 1 else None, COMPARES)
    st.caption(f"Évolution par rapport à {f.annee - 1}. Source : retours des SIAE, entrepôt "
               f"{data.libelle_version()}. " + page.NOTE_VIDE)
    st.stop()

page.entete("Bassins", f, "les bassins d'emploi côte à côte sur les mêmes indicateurs.")
terr = data.lire("territoire", f, par_bassin=True)
if terr.is_empty():
    st.info(f"Aucune SIAE conventionnée en {f.annee} pour cette sélection.")
    st.stop()

page.tableau(page.table_export(terr, ["bassin", *[c for c, _ in COMPARES], "etp_conventionnes", "part_femmes",
                                      "part_rsa", "chiffre_affaires", "financement_public", "fonds_propres_pct_ca"],
                               "bassins", "Indicateurs par bassin", f),
             key="bassins", fige="bassin")
st.caption(page.NOTE_VIDE)

sous_titre = page.selection(f)
cols = st.columns(2)
for i, (col, _) in enumerate(COMPARES):
    with cols[i % 2]:
        page.graphique(lambda c=col: charts.barres_bassins(terr, c, sous_titre=sous_titre), terr, colonne=col,
                       key=f"bassins_{col}",
                       vide=f"{labels.colonne(col)} : aucune valeur, les retours nécessaires ne sont pas reçus.")
page.lien_referentiel([c for c, _ in COMPARES])
