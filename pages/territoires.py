"""Territoires: where the integration places are, against where the people are (job
seekers, long-term job seekers, RSA households), basin by basin and commune by commune."""

from dataclasses import replace

import streamlit as st

from ui import carte, charts, data, labels, page, territoires
from ui.format import fmt_nombre

f = page.filtres()
projection = st.toggle("Mode projection (comité technique d'animation)", key="projection", bind="query-params",
                       help="Grand écran : la carte d'un bassin, en grands caractères, sans barre latérale.")

annees = data.lire("annees_demande", f)
if annees.is_empty():
    page.sans_donnees("Territoires", "Aucun chiffre de demande n'est chargé : chargez un fichier « Demande par "
                      "commune » (modèle dans la page « Modèles de retour ») pour voir l'offre à côté du besoin.")
    st.stop()
if f.annee not in annees["annee"].to_list():
    page.sans_donnees("Territoires", f"Aucun chiffre de demande pour {f.annee}. Années chargées : "
                      + ", ".join(str(a) for a in annees["annee"].to_list()) + ".")
    st.stop()

communes = data.lire("densite_communes", f)
formes = carte.contours()
avec_contour = communes.filter(communes["commune_insee"].is_in(list(formes)))
choix = territoires.visibles(communes, carte.INDICATEURS_CARTE)
details = territoires.visibles(communes, ("nb_siae", "etp_conventionnes", "demandeurs_emploi",
                                          "demandeurs_longue_duree", "beneficiaires_rsa", "nb_salaries"))
SANS_CARTE = ("Pas de carte : aucune commune du référentiel n'a de contour. Un département autre que La Réunion "
              "dépose les contours de ses communes dans `config/contours/communes.geojson` (voir le README).")

if projection:
    page.mode_projection()
    bassins = [b for b in communes["bassin"].unique(maintain_order=True).to_list() if b]
    titre, droite = st.columns([3, 2], vertical_alignment="center")
    bassin = page.bassin_projete(droite, bassins)
    titre.title(f"Bassin {labels.bassin(bassin)} · {f.annee} · offre et besoin")
    fb = replace(f, bassins=(bassin,))
    ligne = data.lire("densite", fb)
    ligne = ligne.filter(ligne["bassin"] == bassin)
    row = ligne.row(0, named=True) if ligne.height else None
    for col, column in zip(("demandeurs_emploi", "nb_siae", "etp_conventionnes", "etp_conventionnes_pour_1000_de"),
                           st.columns(4)):
        page.metrique(col, row, container=column, sens="off")
    du_bassin = avec_contour.filter(avec_contour["bassin"] == bassin)
    page.graphique(lambda: carte.carte_communes(du_bassin, choix[0], formes, details=tuple(details), grand=True),
                   du_bassin, key="carte_projection", vide=SANS_CARTE)
    st.caption(carte.source_contours())  # the outlines' licence asks for their credit wherever shown
    st.stop()

page.entete("Territoires", f, "l'offre d'insertion à côté des demandeurs d'emploi et des foyers au RSA, "
            "tous types de SIAE confondus.")
couleur = st.segmented_control("Colorer les communes selon", choix, key="indicateur_carte", default=choix[0],
                               format_func=labels.colonne, required=True)
page.graphique(lambda: carte.carte_communes(avec_contour, couleur, formes, sous_titre=f"{f.annee} · {labels.bassins_texte(f.bassins)}",
                                            details=tuple(details)),
               avec_contour, key="carte_communes", vide=SANS_CARTE)
sans = communes.height - avec_contour.height
if avec_contour.height and sans:
    st.caption(f"{fmt_nombre(sans)} commune(s) du référentiel sans contour ne sont pas dessinées.")
chiffrees = annees.filter(annees["annee"] == f.annee).row(0, named=True)
st.caption(f"Demande : demandeurs d'emploi A, B, C au 31/12 (France Travail), foyers au RSA (CAF), population "
           f"15-64 ans (INSEE) ; chiffres de {fmt_nombre(chiffrees['nb_communes_chiffrees'])} commune(s) sur "
           f"{fmt_nombre(chiffrees['nb_communes'])}. Offre : conventions de l'année ; une SIAE compte dans la "
           "commune de son siège. " + carte.source_contours())

st.subheader("Par bassin")
densite = data.lire("densite", f, depuis=annees["annee"].min())
annee = densite.filter(densite["annee"] == f.annee)
territoires.tableau(page.table_export(annee, territoires.COLONNES_BASSINS, "densite_territoire",
                                      "Offre et besoin par bassin", f), key="densite_bassins", fige="bassin")
st.caption("« Tous les bassins » : le département entier. " + page.NOTE_VIDE)

with st.expander("Détail par commune"):
    territoires.tableau(page.table_export(communes, territoires.COLONNES_COMMUNES, "densite_commune",
                                          "Offre et besoin par commune", f), key="densite_communes",
                        fige="nom_commune")

st.subheader("Au fil des années")
serie = densite.filter(densite["bassin"] == (f.bassins[0] if len(f.bassins) == 1 else "TOUS"))
serie = serie.filter(serie["annee"] <= f.annee)
tendances = territoires.visibles(serie, territoires.TENDANCES)
for col, column in zip(tendances, st.columns(len(tendances))):
    with column:
        page.graphique(lambda c=col: charts.tendance(serie, c, sous_titre=labels.bassins_texte(f.bassins[:1])),
                       serie.drop_nulls(col), key=f"tendance_{col}", vide="Aucune valeur sur ces années.")
page.lien_referentiel([*territoires.COLONNES_BASSINS[1:]])
