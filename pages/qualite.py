"""Qualité des données: who sent which return for the year, who to chase, what was refused
and why, and the consistency warnings that do not block a load but ask for a check."""

import streamlit as st

from ui import chargements, charts, data, grilles, labels, page, rapports, suivi
from ui.format import dates_fr, fmt_nombre, fmt_valeur, pluriel, VIDE

ONGLET = "onglet_qualite"

f = page.filtres()
page.entete("Qualité des données", f, "qui a envoyé quel retour, qui relancer, les fichiers refusés et les "
            "alertes de cohérence.")

scope = data.scope_courant()
voit_siae = scope.voit_siae
comptes = data.lire("comptes_retours", f).row(0, named=True)
page.stop_si(not comptes["nb_siae"], f"Aucune SIAE conventionnée en {f.annee} pour cette sélection : il n'y a "
             "pas de retour attendu. Le registre des conventions de l'année se charge comme les retours "
             "(page « Importer des retours »).")

terr = data.lire("territoire", f)
taux = terr.filter(terr["annee"] == f.annee)["taux_retour"].to_list()
alertes = data.lire("alertes", f)

c = st.columns(5)
c[0].metric("Taux de retour", fmt_valeur(taux[0], "pourcentage") if len(taux) == 1 else VIDE, border=True,
            help="Part des SIAE conventionnées dont les quatre retours de l'année (fiche structure, salariés en "
                 "insertion, personnel permanent, finances) sont reçus."
                 + ("" if len(taux) == 1 else " Plusieurs bassins ou types choisis : voir le détail plus bas."))
c[1].metric(f"Retours reçus sur {fmt_nombre(comptes['nb_attendus'])}", fmt_nombre(comptes["nb_recus"]),
            border=True, help=f"Quatre retours attendus par SIAE conventionnée ({comptes['nb_siae']} SIAE). Dont "
                              f"{comptes['nb_remplaces']} remplacé(s) par un envoi plus récent.")
c[2].metric("Retours manquants", fmt_nombre(comptes["nb_manquants"]), border=True,
            help="Aucun fichier reçu pour ce retour.")
c[3].metric("Retours refusés", fmt_nombre(comptes["nb_refuses"]), border=True,
            help="Un fichier a été envoyé mais refusé (erreurs), et aucun retour valable n'est en vigueur.")
c[4].metric("SIAE à relancer", fmt_nombre(comptes["nb_a_relancer"]), border=True,
            help="SIAE auxquelles il manque au moins un retour (manquant ou refusé).")

if scope.bassins is not None or scope.sirets is not None:
    perimetre = (f"des bassins {', '.join(labels.bassin(b) for b in scope.bassins)}" if scope.bassins
                 else "de votre structure")
    st.info(f"Les chiffres ci-dessus portent sur toute la sélection ; le détail par structure (matrice, relances, "
            f"alertes) porte sur les structures {perimetre}, celles que votre profil permet de voir.")

relancer = data.lire("a_relancer", f) if voit_siae else None
refuses = data.lire("fichiers_refuses", f) if voit_siae else None
onglets = page.onglets([
    "Retours par structure",
    f"À relancer ({fmt_nombre(comptes['nb_a_relancer'])})",
    "Taux de retour par bassin et type",
    f"Fichiers refusés ({fmt_nombre(refuses.height if refuses is not None else 0)})",
    f"Alertes de cohérence ({fmt_nombre(alertes.height)})",
], key=ONGLET)


def _matrice() -> None:
    if voit_siae:
        grille, templates = suivi.matrice(data.lire("suivi", f))
        st.caption(suivi.LEGENDE + ".")
        grilles.grille(
            page.table_export(grille, ["raison_sociale", *[m for m, _ in templates], "nb_recus", "type_siae", "bassin",
                                       "siret"],
                              "suivi_retours", "Retours reçus, manquants et refusés par SIAE", f,
                              titres=(*templates, ("nb_recus", "Reçus (sur 4)")),
                              unites=(*[(m, "texte") for m, _ in templates], ("nb_recus", "nombre"))),
            montrer=["raison_sociale", *[m for m, _ in templates], "nb_recus", "type_siae", "bassin"],
            key="matrice", fige="raison_sociale", hauteur=grilles.hauteur(grille.height, 460),
            vide="Aucune SIAE conventionnée pour cette sélection.")
    else:
        st.info("Détail par structure non accessible à votre profil.")


def _relance() -> None:
    if relancer is None:
        st.info("Détail par structure non accessible à votre profil.")
    elif relancer.is_empty():
        st.success(f"Toutes les SIAE de la sélection ont envoyé leurs quatre retours {f.annee} : personne à "
                   "relancer.", icon="🎉")
    else:
        st.caption(f"{pluriel(relancer.height, 'SIAE', 'SIAE')} à qui il manque au moins un retour {f.annee}, "
                   "celles qui ont le moins envoyé en premier. Exportez la liste pour préparer les relances.")
        grilles.grille(
            page.table_export(suivi.relance_affichage(relancer), [
                "raison_sociale", "siret", "type_siae", "bassin", "retours_manquants", "retours_refuses",
                "nb_recus", "dernier_refus_fichier", "dernier_refus_le"],
                "siae_a_relancer", "SIAE à relancer : retours manquants ou refusés", f,
                titres=(("retours_manquants", "Retours manquants"), ("retours_refuses", "Retours refusés"),
                        ("nb_recus", "Reçus (sur 4)")),
                unites=(("retours_manquants", "texte"), ("retours_refuses", "texte"), ("nb_recus", "nombre"),
                        ("dernier_refus_le", "texte"))),
            montrer=["raison_sociale", "retours_manquants", "retours_refuses", "nb_recus", "type_siae", "bassin",
                     "siret"],
            key="relancer", fige="raison_sociale", hauteur=grilles.hauteur(relancer.height, 460))


def _taux() -> None:
    detail = data.lire("taux_retour", f)
    if detail.is_empty():
        st.info("Aucune SIAE conventionnée pour cette sélection.")
    else:
        page.graphique(lambda: charts.carte_taux(detail), detail, key="carte_taux",
                       vide="Aucune SIAE conventionnée pour cette sélection.")
        grilles.grille(
            page.table_export(detail, ["bassin", "type_siae", "nb_siae", "nb_retours_complets", "taux_retour",
                                       "nb_attendus", "nb_recus", "nb_manquants", "nb_refuses"],
                              "taux_retour", "Taux de retour par bassin et type de SIAE", f,
                              titres=(("nb_retours_complets", "SIAE aux 4 retours"), ("nb_attendus", "Attendus"),
                                      ("nb_recus", "Reçus"), ("nb_manquants", "Manquants"),
                                      ("nb_refuses", "Refusés")),
                              unites=(("nb_attendus", "nombre"), ("nb_recus", "nombre"),
                                      ("nb_manquants", "nombre"), ("nb_refuses", "nombre"))),
            key="taux_retour", hauteur=grilles.hauteur(detail.height))
        page.lien_referentiel(["taux_retour", "nb_retours_complets"])


def _refuses() -> None:
    if refuses is None:
        st.info("Détail par structure non accessible à votre profil.")
    elif refuses.is_empty():
        st.success(f"Aucun fichier refusé pour les retours {f.annee} de cette sélection.", icon="✅")
    else:
        st.caption("Fichiers refusés qui portaient un retour de l'année d'une SIAE de la sélection. « Toujours "
                   "refusé » : aucun fichier valable n'est arrivé depuis pour au moins un de ces retours. Les "
                   "fichiers illisibles (sans SIRET ni année reconnaissables) sont dans l'historique des "
                   "chargements.")
        grilles.grille(
            page.table_export(dates_fr(refuses, "refuse_le"),
                              ["load_id", "fichier", "refuse_le", "structures", "nb_erreurs", "toujours_refuse",
                               "utilisateur"],
                              "fichiers_refuses", "Fichiers refusés", f,
                              titres=(("load_id", "N°"), ("fichier", "Fichier refusé"), ("refuse_le", "Refusé le"),
                                      ("utilisateur", "Chargé par"), ("structures", "Structures concernées"),
                                      ("nb_erreurs", "Erreurs"), ("toujours_refuse", "Toujours refusé")),
                              unites=(("refuse_le", "texte"), ("utilisateur", "texte"), ("structures", "texte"),
                                      ("nb_erreurs", "nombre"), ("toujours_refuse", "booleen"))),
            key="refuses", hauteur=grilles.hauteur(refuses.height, 250))
        choix = st.selectbox(
            "Voir le rapport du fichier", refuses["load_id"].to_list(), key="rapport_refus", filter_mode=None,
            format_func=lambda i: chargements.libelle_chargement(refuses, i, "refuse_le"))
        lignes = data.lire("problemes", f, load_id=int(choix))
        rapports.grille_rapport(rapports.problemes_depuis(lignes), key="refus", nom=f"rapport_chargement_{choix}.csv",
                               hauteur=grilles.hauteur(lignes.height), sans_fichier=True)


def _alertes() -> None:
    if not voit_siae:
        st.info("Détail par structure non accessible à votre profil.")
    elif alertes.is_empty():
        st.success(f"Aucune alerte de cohérence sur les retours {f.annee} de cette sélection.", icon="✅")
    else:
        st.caption("Ces alertes n'empêchent pas le chargement : elles signalent un retour à vérifier avec la "
                   "structure (commune différente de la convention, ETP réalisés très au-dessus des ETP "
                   "conventionnés, retour sans salarié en insertion, chiffre d'affaires en variation de plus de "
                   "50 % sur un an, retour d'une structure absente du registre des conventions).")
        grilles.grille(
            page.table_export(alertes.with_columns(alertes["raison_sociale"].fill_null("hors registre")),
                              ["raison_sociale", "alerte_libelle", "detail", "bassin", "type_siae", "siret"],
                              "alertes_coherence", "Alertes de cohérence des retours", f,
                              titres=(("alerte_libelle", "Alerte"),)),
            montrer=["raison_sociale", "alerte_libelle", "detail", "bassin", "type_siae"],
            key="alertes", fige="raison_sociale", hauteur=grilles.hauteur(alertes.height, 460), texte_long=True)


for onglet, contenu in zip(onglets, (_matrice, _relance, _taux, _refuses, _alertes)):
    if onglet.open:  # only the open tab is computed and sent: six grids cost a national page switch
        with onglet:
            contenu()
