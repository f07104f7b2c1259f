"""Plan d'action: the objectives of the territorial action plan (the committees' « fiches
actions »), per axis and action, with target, realised value, gap and status; an objective's
trend against its targets; the plan editor for the State office."""

import polars as pl
import streamlit as st

from ui import charts, classeurs, data, export, page, plan
from warehouse.scope import Filters

f = page.filtres()
page.entete("Plan d'action", f, "les objectifs des fiches actions du CDIAE et des comités de bassin : cible, "
                                "réalisé, écart et statut.")

objectifs = plan.lignes(data.lire("objectifs", f))
if objectifs.is_empty():
    annees = data.lire("annees_plan")["annee"].to_list()
    st.info(f"Aucun objectif du plan d'action pour {f.annee} et cette sélection."
            + (f" Années qui ont un plan : {', '.join(map(str, annees))}." if annees else
               " Chargez le plan (page « Importer des retours », modèle ci-dessous) ou saisissez-le ci-dessous."))
else:
    comptes = objectifs["statut"].value_counts()
    n = dict(zip(comptes["statut"], comptes["count"]))
    shown = {code: mot for code, mot in plan.STATUTS.items() if code != plan.SECRET or n.get(code)}
    for column, (code, mot) in zip(st.columns(len(shown)), shown.items()):
        column.metric(mot, n.get(code, 0), border=True)
    st.caption("Les objectifs des bassins choisis et ceux du département. Un taux est comparé en points. "
               "« Non mesuré » : réalisé inconnu (retours non reçus, ou indicateur mesuré à la main pas encore "
               "saisi). " + page.NOTE_VIDE)
    for axe in objectifs["axe"].unique(maintain_order=True):
        st.subheader(axe)
        plan.grille(objectifs.filter(pl.col("axe") == axe), key=f"axe_{axe}")
    page.boutons_export(page.table_export(objectifs, plan.EXPORT, "plan_action", f"Plan d'action {f.annee}", f,
                                          **plan.export_kw()), key="plan_action")

    st.subheader("Évolution d'un objectif")
    lignes = objectifs.to_dicts()
    choix = st.selectbox("Objectif", range(len(lignes)), format_func=lambda i: plan.libelle_objectif(lignes[i]),
                         key="plan_objectif")
    o = lignes[choix]
    tendance = data.lire("tendance_objectif", f, bassin=o["bassin"], type_siae=o["type_siae"], action=o["action"],
                         indicateur=o["indicateur"])
    unite = plan.unite(o["indicateur"], tendance["realise"].to_list() + tendance["cible"].to_list())
    page.graphique(lambda: charts.objectif(tendance, unite, titre=plan.libelle_indicateur(o["indicateur"]),
                                           sous_titre=f"{plan.territoire(o['bassin'], o['type_siae'])} · cible "
                                                      "en pointillés"),
                   tendance.filter(pl.col("realise").is_not_null() | pl.col("cible").is_not_null()),
                   key="plan_tendance", vide="Aucune valeur ni cible à tracer pour cet objectif.")
    if tendance["secret"].is_not_null().any():
        st.caption("🔒 Valeurs masquées par le secret statistique : " + ", ".join(
            f"{r['annee']} ({r['secret'].removeprefix('secret statistique : ')})"
            for r in tendance.filter(pl.col("secret").is_not_null()).iter_rows(named=True)) + ".")

if plan.peut_modifier():
    st.subheader(f"Modifier le plan {f.annee}")
    plan.bilan(f.annee)
    bassins = data.lire("bassins")["bassin"].to_list()
    with st.expander(f"Éditer le plan {f.annee} (tous les bassins)", expanded=objectifs.is_empty()):
        plan.editeur(f.annee, data.lire("plan_annee", Filters(annee=f.annee)), bassins)
    st.download_button("⬇️ Modèle Excel du plan d'action (.xlsx)", data=classeurs.classeur_plan,
                       file_name="modele_plan_action.xlsx", mime=export.MIME["xlsx"], key="modele_plan",
                       on_click="ignore", help="Pour préparer le plan hors ligne : une ligne par objectif, listes "
                       "déroulantes des bassins, types, sens et indicateurs ; chargé par la page « Importer des "
                       "retours », il remplace le plan de chaque année qu'il contient.")
page.lien_referentiel(list(objectifs["indicateur"].unique()) if not objectifs.is_empty() else [])
