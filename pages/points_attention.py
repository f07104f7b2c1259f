"""Points d'attention: the structures to look at first before the yearly management dialogue."""

import streamlit as st

from ui import attention, data, filtres, page
from warehouse import regles

f = page.filtres()
page.entete("Points d'attention", f, "les structures qu'une règle signale, à regarder en priorité avant le "
            "dialogue de gestion. Cliquez une ligne pour ouvrir sa fiche ; les règles et leurs seuils sont dans le "
            "Référentiel des indicateurs.")

codes = list(regles.regles())
filtres.depuis_url("attention_regles", "regles", codes, multiple=True)
choisies = st.multiselect("Règles", codes, key="attention_regles", format_func=regles.libelle,
                          placeholder="Toutes les règles", select_all=False)
filtres.vers_url("regles", choisies)

points = data.lire("points_attention", f, regles=tuple(choisies))
page.stop_si(points.is_empty(), f"Aucun point d'attention en {f.annee} pour cette sélection.")
liste = attention.structures(points)
st.caption(f"{liste.height} structure(s) avec au moins un point d'attention, {points.height} point(s) en tout.")

st.subheader("Les structures, les plus signalées d'abord")
choisie = page.tableau(
    page.table_export(liste, ["raison_sociale", "siret", "type_siae", "bassin", "nb_points", "points"],
                      "points_attention", "Points d'attention", f,
                      titres=(("nb_points", "Nombre de points"), ("points", "Points d'attention")),
                      unites=(("nb_points", "nombre"),),
                      filtres=(("Règles", ", ".join(regles.libelle(c) for c in choisies) or "toutes"),)),
    key="attention", fige="raison_sociale", selection=True)
if choisie is not None:
    siae = liste.row(choisie, named=True)
    st.page_link("pages/fiche_siae.py", label=f"Ouvrir la fiche de {siae['raison_sociale']}", icon="📇",
                 query_params={"siret": siae["siret"]})

st.subheader("Structures signalées, par règle et par bassin")
comptes = attention.comptes(points)
bassins = [c for c in comptes.columns if c != "regle_libelle"]
page.tableau(page.table_export(comptes, comptes.columns, "points_attention_comptes",
                               "Points d'attention par règle et par bassin", f,
                               titres=(("regle_libelle", "Règle"),), unites=tuple((b, "nombre") for b in bassins)),
             key="attention_comptes")

with st.expander("Le détail des points (valeur et seuil de chaque règle)"):
    detail = attention.avec_libelles(points)
    page.tableau(page.table_export(detail, ["raison_sociale", "siret", "bassin", "regle_libelle", "valeur_texte",
                                            "seuil_texte"], "points_attention_detail", "Points d'attention : détail",
                                   f, titres=(("regle_libelle", "Règle"), ("valeur_texte", "Valeur"),
                                              ("seuil_texte", "Seuil"))),
                 key="attention_detail")
