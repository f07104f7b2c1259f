"""Fiche SIAE: one structure, its indicators over n-2..n, beside the median of its type in its basin."""

from dataclasses import replace

import streamlit as st

from documents import fiche_dialogue
from ui import acces, attention, data, fiche_siae, filtres, labels, page

f = page.filtres()
annuaire = data.lire("siae", replace(f, types=(), bassins=()))
noms = {r["siret"]: f"{r['raison_sociale']} — {r['nom_commune'] or labels.bassin(r['bassin'])} "
                    f"({labels.type_siae(r['type_siae'])})" for r in annuaire.iter_rows(named=True)}

st.title("Fiche SIAE")
filtres.depuis_url("fiche_siret", "siret", noms)
if len(noms) == 1 and "fiche_siret" not in st.session_state:
    st.session_state["fiche_siret"] = next(iter(noms))  # a structure's own sheet opens at once
siret = page.choix_siae(noms, key="fiche_siret",
                       aide=f"Les SIAE conventionnées en {f.annee} (l'année choisie dans la barre latérale).")
filtres.vers_url("siret", siret)
page.stop_si(siret is None, "Choisissez une SIAE ci-dessus, ou cliquez une ligne de la page Structures.")

fiche = data.lire("fiche_siae", f, siret=siret)
mediane = data.lire("mediane_groupe_siae", f, siret=siret)
ident = fiche.filter(fiche["annee"] == f.annee).row(0, named=True)
n_groupe = mediane.filter(mediane["annee"] == f.annee)["nb_siae"].item()
groupe = f"Médiane des {labels.type_siae(ident['type_siae'])} du bassin {labels.bassin(ident['bassin'])}"

st.header(ident["raison_sociale"])
c = st.columns(4)
c[0].markdown(f"**SIRET**  \n{ident['siret']}")
c[1].markdown(f"**Type**  \n{labels.type_siae_long(ident['type_siae'])}")
c[2].markdown(f"**Commune**  \n{ident['nom_commune'] or ident['commune_insee']}")
c[3].markdown(f"**Bassin**  \n{labels.bassin(ident['bassin'])}")
recus = [("retour_structure", "structure"), ("retour_salaries", "salaries_insertion"),
         ("retour_personnel", "personnel_permanent"), ("retour_finances", "finances")]
st.markdown(f"**Retours {f.annee}** : " + " · ".join(
    f"✅ {labels.source(t)}" if ident[col] else f"❌ {labels.source(t)} : pas de retour" for col, t in recus))

st.subheader(f"Chiffres {f.annee}")
CLES = [("etp_conventionnes", "off"), ("etp_insertion", "normal"), ("taux_realisation_etp", "normal"),
        ("nb_sorties", "off"), ("taux_sortie_dynamique", "normal"), ("chiffre_affaires", "normal"),
        ("ratio_public_ca", "off"), ("fonds_propres_pct_ca", "normal")]
page.indicateurs_cles(f, fiche, CLES)

annees = list(range(f.annee - 2, f.annee + 1))
st.subheader(f"{annees[0]} à {annees[-1]}, comparés à la médiane du groupe")
sans_retour = [str(r["annee"]) for r in fiche.iter_rows(named=True)
               if not any(r[c] for c in ("retour_salaries", "retour_personnel", "retour_finances"))]
st.caption(f"{groupe} : {n_groupe} SIAE en {f.annee}, la structure comprise. "
           + (f"**Aucun retour en {', '.join(sans_retour)}** : rien n'est tracé pour la structure "
              f"{'cette année-là' if len(sans_retour) == 1 else 'ces années-là'}. " if sans_retour else "")
           + "Une valeur manquante n'est pas tracée. " + page.NOTE_VIDE)
# The structure's story at a glance: its public, its exits, its money, each beside its peers.
HISTOIRE = ["nb_salaries", "nb_entrees", "sorties", "taux_emploi_durable", "chiffre_affaires", "financement_public",
            "ratio_public_ca", "fonds_propres", "fonds_propres_pct_ca"]
cols = st.columns(3)
for i, col in enumerate(HISTOIRE):
    with cols[i % 3]:
        valeurs = fiche.drop_nulls("nb_sorties" if col == "sorties" else col)
        if col == "sorties":
            page.graphique(lambda: fiche_siae.sorties_siae(fiche, sous_titre="médiane du groupe : "
                                                           + fiche_siae.mediane_texte(mediane, "nb_sorties", f.annee)),
                           valeurs, key="fiche_sorties", vide="Sorties : aucune valeur (retour salariés non reçu).")
        else:
            secret = (f"_secret_{col}" in mediane.columns and mediane[col].drop_nulls().is_empty()
                      and mediane[f"_secret_{col}"].drop_nulls().len() > 0)
            sous_titre = ("médiane du groupe non calculée" if col not in mediane.columns
                          else "médiane du groupe : secret" if secret else None)
            page.graphique(lambda c=col, st_=sous_titre: fiche_siae.siae_vs_mediane(
                fiche, mediane, c, nom=ident["raison_sociale"], groupe=groupe, sous_titre=st_),
                valeurs, key=f"fiche_{col}",
                vide=f"{labels.colonne(col)} : aucune valeur de {annees[0]} à {annees[-1]} (retour non reçu).")
page.lien_referentiel([c for c in HISTOIRE if c != "sorties"] + ["nb_sorties"])

TABLE = ["nb_salaries", "nb_entrees", "nb_sorties", "nb_sorties_dynamiques", "nb_sorties_emploi_durable",
         "nb_sorties_neutres", "taux_sortie_dynamique", "taux_emploi_durable", "etp_conventionnes", "etp_insertion",
         "taux_realisation_etp", "etp_permanents", "taux_encadrement", "chiffre_affaires", "financement_public",
         "ratio_public_ca", "fonds_propres", "fonds_propres_pct_ca", "cout_public_par_etp"]
st.subheader("Le détail")
st.table(fiche_siae.fiche_par_annee(fiche, mediane, TABLE, annees), hide_index=True)
if raison := fiche_siae.mediane_secrete(mediane):
    st.caption(f"« secret » : médiane masquée ({raison}).")
page.boutons_export(
    page.table_export(fiche_siae.fiche_et_mediane(fiche, mediane, TABLE, ident["raison_sociale"], groupe),
                      ["serie", "annee", *TABLE], "fiche_siae", f"Fiche SIAE : {ident['raison_sociale']}", f,
                      titres=(("serie", "Série"),), filtres=(("SIAE", f"{ident['raison_sociale']} ({siret})"),),
                      suffixe=(siret,)),
    key="fiche")

# ---- Points d'attention, position parmi les pairs, fiche de dialogue de gestion ----
# (ui/attention.py, warehouse/queries_attention.py, documents/fiche_dialogue.py)
st.subheader(f"Points d'attention et position parmi les {labels.type_siae(ident['type_siae'])} en {f.annee}")
points = data.lire("points_attention", f, siret=siret)
positions = data.lire("positions_pairs", f, siret=siret)
for p in attention.avec_libelles(points).iter_rows(named=True):
    st.markdown(f"🚩 **{p['regle_libelle']}** : {p['valeur_texte']}"
                + (f" (seuil : {p['seuil_texte']})" if p["seuil"] is not None else ""))
if points.is_empty():
    st.markdown("Aucun point d'attention cette année.")
bande = attention.bande_pairs(positions, f.annee)
page.graphique(lambda: attention.graphique_pairs(bande, annee=f.annee, type_siae=ident["type_siae"]), bande,
               vide="Aucune comparaison pour cette année.", key="fiche_pairs")
st.caption("Comparaison avec les SIAE du même type, dans le bassin (quand il en compte au moins 5) et dans le "
           "département, sur des groupes fixes qui ne suivent pas les filtres.")


def _fiche_dialogue() -> bytes:
    nom = fiche_dialogue.nom_fichier(siret, f.annee)
    acces.noter_export(nom, 1, data.scope_courant().secret_statistique)
    return fiche_dialogue.fiche_pdf(fiche, positions, points, annee=f.annee, version=data.libelle_version())


utilisateur = acces.utilisateur_courant()
if utilisateur is not None and utilisateur.role in ("admin", "agent", "structure"):
    st.download_button(f"📄 Fiche du dialogue de gestion {f.annee} (PDF)", data=_fiche_dialogue,
                       file_name=fiche_dialogue.nom_fichier(siret, f.annee), mime="application/pdf",
                       key="fiche_dialogue", on_click="ignore",
                       help="Une fiche A4 à imprimer pour l'entretien : identité et convention, chiffres clés "
                            f"{f.annee - 2} à {f.annee} comparés aux pairs, points d'attention, champs à remplir.")
