"""Référentiel des indicateurs: every indicator with its definition, formula and source, from the catalogue."""

import polars as pl
import streamlit as st

from ui import export, filtres, labels, page
from warehouse import catalogue, regles


def referentiel_table(fiches) -> export.Table:
    """The glossary as a table, for its export."""
    cols = {"theme": "Thème", "indicateur": "Indicateur", "definition": "Définition", "formule": "Formule", "unite": "Unité",
            "source": "Source", "vues": "Tables", "territoire": "Sur un territoire"}
    df = pl.DataFrame({
        "theme": [catalogue.theme(i.name) for i in fiches],
        "indicateur": [i.label for i in fiches],
        "definition": [i.definition for i in fiches],
        "formule": [i.formula for i in fiches],
        "unite": [labels.unite_texte(i.unit) for i in fiches],
        "source": [", ".join(labels.source(s) for s in i.sources) for i in fiches],
        "vues": [", ".join(labels.vue(v) for v in i.views) for i in fiches],
        "territoire": [i.territoire for i in fiches],
    }, schema={c: pl.String for c in cols})
    return export.Table(df=df, colonnes=tuple(cols), nom="referentiel_indicateurs",
                        titre="Référentiel des indicateurs", titres=tuple(cols.items()),
                        unites=tuple((c, "texte") for c in cols))


page.entete("Référentiel des indicateurs", None,
            "ce que mesure chaque indicateur, comment il est calculé et d'où viennent les données. Les mêmes "
            "définitions apparaissent dans les infobulles des tableaux et des chiffres clés, et dans les exports.")

noms = list(catalogue.INDICATORS)
c1, c2 = st.columns([3, 2])
filtres.depuis_url("referentiel_indicateurs", "indicateurs", noms, multiple=True)
choisis = c1.multiselect("Indicateurs", noms, key="referentiel_indicateurs", format_func=labels.colonne, **filtres.SANS_ANGLAIS,
                         placeholder="Tous les indicateurs")
filtres.vers_url("indicateurs", choisis)
texte = c2.text_input("Rechercher dans les définitions", key="recherche_referentiel",
                      placeholder="par exemple : sortie, ETP, fonds propres")

fiches = [catalogue.INDICATORS[n] for n in (choisis or noms)]
if texte:
    t = texte.lower()
    fiches = [i for i in fiches if t in f"{i.label} {i.definition} {i.formula} {i.name}".lower()]
st.caption(f"{len(fiches)} indicateur(s) sur {len(noms)}.")
if not fiches:
    st.info("Aucun indicateur ne correspond à cette recherche.")

for theme in [*catalogue.THEMES, ""]:
    du_theme = [i for i in fiches if catalogue.theme(i.name) == theme]
    if not du_theme:
        continue
    st.subheader(theme or "Autres indicateurs")
    cols = st.columns(2)
    for i, ind in enumerate(du_theme):
        with cols[i % 2].container(border=True):
            st.markdown(f"**{ind.label}** — {ind.definition}")
            st.caption(
                f"**Formule** : {ind.formula}  \n**Unité** : {labels.unite_texte(ind.unit)} · **Source** : "
                f"{', '.join(labels.source(s) for s in ind.sources)}  \n**Tables** : "
                f"{', '.join(labels.vue(v) for v in ind.views)}"
                + (f"  \n**Sur un territoire** : {ind.territoire}" if ind.territoire else ""))

if fiches:
    page.boutons_export(referentiel_table(fiches), key="referentiel")

st.subheader("Les tables de données")
for v in catalogue.VIEWS.values():
    st.markdown(f"**{v.title}** — {v.description} *Grain : {v.grain}.*")

st.subheader("Les points d'attention")
st.caption("Les règles qui signalent une structure à regarder en priorité avant le dialogue de gestion (page « Points "
           "d'attention », fiche de dialogue). Leurs seuils se règlent dans config/observatoire.toml.")
for r in regles.regles().values():
    st.markdown(f"**{r.libelle}** (`{r.code}`) — {r.condition}  \n*Pourquoi :* {r.pourquoi}")
