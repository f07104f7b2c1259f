"""Dossier de comité: the pack of one basin for a committee meeting (workbook and PDF, built on
click) and what changed since the last committee."""

from datetime import date

import streamlit as st

from documents import comite
from ui import acces, data, export, labels, page
from ui.format import fmt_nombre
from warehouse.changements import CHANGEMENTS
from warehouse.db import db_path
from warehouse.scope import Filters

f = page.filtres()
page.entete("Dossier de comité", None, "le dossier de séance d'un comité technique d'animation : chiffres clés "
            "comparés à l'année précédente et au département, graphiques, carte, structures, points d'attention "
            "et ce qui a changé depuis le dernier comité. Un classeur Excel et un PDF à imprimer.")

scope = data.scope_courant()
offerts = list(scope.bassins) if scope.bassins is not None else [
    *data.lire("bassins", Filters())["bassin"].to_list(), comite.TOUS]
annees = data.lire("annees", Filters())["annee"].to_list()[::-1]
page.stop_si(not offerts or not annees, "Aucun bassin ni aucune année à présenter avec votre profil.")

c1, c2, c3 = st.columns([2, 1, 2], vertical_alignment="bottom")
bassin = c1.selectbox("Territoire", offerts, key="comite_bassin", format_func=comite.libelle_territoire,
                      index=offerts.index(f.bassins[0]) if len(f.bassins) == 1 and f.bassins[0] in offerts else 0)
annee = c2.selectbox("Année", annees, key="comite_annee", index=annees.index(f.annee) if f.annee in annees else 0)
depuis = c3.date_input("Date du dernier comité", value=None, key="comite_depuis", format="DD/MM/YYYY",
                       max_value=date.today(),
                       help="Le dossier dit ce qui a changé depuis : retours arrivés ou corrigés, retours toujours "
                            "manquants, indicateurs dont la valeur a bougé.")
if scope.secret_statistique:
    st.caption("🔒 Secret statistique appliqué : une valeur qui permettrait de reconnaître une personne ou une "
               "structure est remplacée par « secret ».")


def fichier(ext: str) -> bytes:
    """The pack's file, read and built when the user clicks, with a line in the audit log."""
    with data.curseur() as cur:
        d = comite.lire(cur, db_path(), bassin, int(annee), scope, depuis)
    acces.noter_export(comite.nom_fichier(bassin, annee, ext), d.structures.height, scope.secret_statistique)
    if ext == "xlsx":
        return comite.xlsx(d)
    from documents import comite_pdf  # fpdf: 0.35 s of imports, paid on the click only

    return comite_pdf.pdf(d)


b1, b2, _ = st.columns([1, 1, 3])
b1.download_button("⬇️ Dossier PDF", data=lambda: fichier("pdf"), file_name=comite.nom_fichier(bassin, annee, "pdf"),
                   mime="application/pdf", key="comite_pdf", on_click="ignore",
                   help="A4 paysage, à imprimer ou à projeter.")
b2.download_button("⬇️ Classeur Excel", data=lambda: fichier("xlsx"),
                   file_name=comite.nom_fichier(bassin, annee, "xlsx"), mime=export.MIME["xlsx"], key="comite_xlsx",
                   on_click="ignore", help="Un onglet par tableau, avec les filtres et les définitions.")

st.subheader("Ce qui a changé depuis le dernier comité")
page.stop_si(depuis is None, "Choisissez la date du dernier comité pour voir ce qui a changé depuis.")
fc = comite.filtres(bassin, int(annee))
avant, retours, indicateurs = data.changements_depuis(depuis, fc)
st.caption(f"Entrepôt au {depuis:%d/%m/%Y} : {comite.libelle_version(avant)} ; aujourd'hui : "
           f"{data.libelle_version()}. {comite.libelle_territoire(bassin)}, retours {annee}.")
cols = st.columns(len(CHANGEMENTS))
for (code, libelle), col in zip(CHANGEMENTS.items(), cols):
    col.metric(libelle, fmt_nombre(retours.filter(retours["changement"] == code).height), border=True)
page.tableau(page.table_export(
    retours, ["changement_libelle", "raison_sociale", "siret", "type_siae", "template_libelle", "recu_le"],
    "retours_depuis", f"Retours {annee} depuis le {depuis:%d/%m/%Y}", fc,
    titres=(("changement_libelle", "Depuis le dernier comité"), ("recu_le", "Reçu le")),
    filtres=(("Dernier comité", f"{depuis:%d/%m/%Y}"),)),
    key="comite_retours", vide="Aucun retour arrivé, corrigé ni manquant depuis cette date.")
st.markdown(f"**Indicateurs du territoire qui ont changé** ({labels.bassins_texte(fc.bassins)}, tous types)")
texte = comite.changes_en_texte(indicateurs)
page.tableau(page.table_export(
    texte, ["annee", "libelle", "avant", "apres"], "indicateurs_depuis",
    f"Indicateurs qui ont changé depuis le {depuis:%d/%m/%Y}", fc,
    titres=(("libelle", "Indicateur"), ("avant", f"Au {depuis:%d/%m/%Y}"), ("apres", "Aujourd'hui")),
    unites=(("libelle", "texte"), ("avant", "texte"), ("apres", "texte")),
    filtres=(("Dernier comité", f"{depuis:%d/%m/%Y}"),)),
    key="comite_indicateurs", vide="Aucun indicateur du territoire n'a changé depuis cette date.")
