"""Référentiel des indicateurs: every indicator with its definition, formula and source, from the catalogue."""

import polars as pl
import streamlit as st

from ui import labels, page
from warehouse import catalogue

page.entete("Référentiel des indicateurs", None,
            "ce que mesure chaque indicateur, comment il est calculé et d'où viennent les données. Les mêmes "
            "définitions apparaissent dans les infobulles des tableaux et des chiffres clés, et dans les exports.")

noms = list(catalogue.INDICATORS)
c1, c2 = st.columns([3, 2])
choisis = c1.multiselect("Indicateurs", noms, key="indicateurs", bind="query-params", format_func=labels.colonne,
                         placeholder="Tous les indicateurs")
texte = c2.text_input("Rechercher dans les définitions", key="recherche_referentiel",
                      placeholder="par exemple : sortie, ETP, fonds propres")

fiches = [catalogue.INDICATORS[n] for n in (choisis or noms)]
if texte:
    t = texte.lower()
    fiches = [i for i in fiches if t in f"{i.label} {i.definition} {i.formula} {i.name}".lower()]
st.caption(f"{len(fiches)} indicateur(s) sur {len(noms)}.")
if not fiches:
    st.info("Aucun indicateur ne correspond à cette recherche.")

for ind in fiches:
    with st.container(border=True):
        st.markdown(f"#### {ind.label}")
        st.markdown(ind.definition)
        st.markdown(f"**Formule** : {ind.formula}  \n"
                    f"**Unité** : {labels.unite_texte(ind.unit)}  \n"
                    f"**Source** : {', '.join(labels.source(s) for s in ind.sources)}  \n"
                    f"**Où le trouver** : {', '.join(labels.vue(v) for v in ind.views)}"
                    + (f"  \n**Sur un territoire** : {ind.territoire}" if ind.territoire else ""))

table = pl.DataFrame({
    "indicateur": [i.label for i in fiches],
    "definition": [i.definition for i in fiches],
    "formule": [i.formula for i in fiches],
    "unite": [labels.unite_texte(i.unit) for i in fiches],
    "source": [", ".join(labels.source(s) for s in i.sources) for i in fiches],
    "vues": [", ".join(labels.vue(v) for v in i.views) for i in fiches],
    "territoire": [i.territoire for i in fiches],
}, schema={k: pl.String for k in ("indicateur", "definition", "formule", "unite", "source", "vues", "territoire")})
with st.expander("Le référentiel en tableau, à exporter"):
    page.boutons_export(page.export.Table(
        df=table, colonnes=tuple(table.columns), nom="referentiel_indicateurs", titre="Référentiel des indicateurs",
        titres=(("indicateur", "Indicateur"), ("definition", "Définition"), ("formule", "Formule"),
                ("unite", "Unité"), ("source", "Source"), ("vues", "Tables"), ("territoire", "Sur un territoire"))),
        key="referentiel")

st.subheader("Les tables de données")
for v in catalogue.VIEWS.values():
    st.markdown(f"**{v.title}** — {v.description} *Grain : {v.grain}.*")
