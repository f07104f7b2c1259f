"""Importer des retours: drop files, read the loader's verdict before anything is stored,
then load the accepted files (only those) into a new version of the warehouse."""

import streamlit as st

from ui import chargements, data, export, importation, page, rapports, remplacements
from ui.format import pluriel

GENERATION = "import_generation"  # a new uploader key empties the drop zone after a load
VERIFS = "_import_verifications"
BILAN = "_import_bilan"
DEMANDE = "_import_demande"  # set by the button's callback: a callback survives the rerun ui.page may do

page.entete("Importer des retours", None,
            "déposez les fichiers envoyés par les structures : chacun est contrôlé en entier avant tout "
            "enregistrement, puis vous chargez ceux qui sont acceptés.")
importation.style_depot()

bilan = st.session_state.get(BILAN)
if bilan:
    importation.afficher_bilan(bilan)

gen = st.session_state.setdefault(GENERATION, 0)
with st.expander("Ce qui est contrôlé, et ce que fait un chargement",
                 expanded=not bilan and not st.session_state.get(f"depot_{gen}")):
    st.markdown(
        "- **Formats** : `.csv` (séparateur `;` ou `,`, UTF-8 ou Windows-1252) et `.xlsx` (une feuille par "
        "modèle, comme le modèle à télécharger sur la page « Modèles de retour »). Les classeurs avec macros "
        f"(`.xlsm`) sont refusés. **{importation.limite_mo()} Mo au plus par fichier.**\n"
        "- **Contrôles** : les mêmes que la commande `python -m loaders load` — colonnes obligatoires, codes des "
        "listes, dates, SIRET, communes connues de l'entrepôt, cohérence des lignes.\n"
        "- **Un fichier est chargé en entier ou pas du tout.** Un fichier refusé ne change rien ; son rapport "
        "indique la feuille, la ligne (comme dans Excel : l'en-tête est la ligne 1), la colonne, la valeur et la "
        "règle à corriger.\n"
        "- **Un nouveau retour remplace le précédent** pour la même structure, le même modèle et la même année. "
        "Un retour de salariés ou de personnel qui compterait moins de la moitié des lignes du précédent "
        "n'est chargé qu'après votre confirmation. "
        "Chaque chargement crée une nouvelle version de l'entrepôt : la précédente reste récupérable (page "
        "« Historique des chargements »).")

deposes = st.file_uploader(
    "Fichiers de retours (.csv, .xlsx)", accept_multiple_files=True, key=f"depot_{gen}",
    help=f"Glissez-déposez un ou plusieurs fichiers, ou cliquez pour les choisir. {importation.limite_mo()} Mo au plus "
         "par fichier : un fichier plus gros est refusé sans être lu.")
fichiers = [(u.name, u.getvalue()) for u in deposes or []]

if not fichiers:
    st.info(f"Aucun fichier déposé. Les fichiers sont d'abord vérifiés : rien n'est enregistré avant que vous "
            f"cliquiez sur « Charger ». {importation.limite_mo()} Mo au plus par fichier.", icon="📂")
else:
    version = str(data.version())
    memo = st.session_state.get(VERIFS) or {}
    deja = memo.get("verifs") if memo.get("version") == version else None
    try:
        verifs = importation.verifier(fichiers, deja=deja)
    except data.DonneesIndisponibles as exc:
        st.error(str(exc))
        st.stop()
    st.session_state[VERIFS] = {"version": version,
                                "verifs": {(v.name, v.sha): v for v in verifs if not v.incident}}

    acceptes = [v for v in verifs if v.accepte]
    refuses = [v for v in verifs if not v.accepte]
    st.subheader("Vérification")
    st.caption(f"{pluriel(len(verifs), 'fichier vérifié', 'fichiers vérifiés')} : "
               f"{pluriel(len(acceptes), 'accepté')}, {pluriel(len(refuses), 'refusé')}. "
               "Rien n'est encore enregistré.")
    confirmes, a_confirmer = set(), []
    for i, v in enumerate(verifs):
        importation.afficher_verification(v, key=f"{gen}_{i}")
        remplaces = remplacements.a_confirmer(v)
        if remplaces:
            a_confirmer.append(v.name)
            if remplacements.afficher(v, remplaces, key=f"{gen}_{i}"):
                confirmes.add(v.name)

    st.subheader("Chargement")
    if refuses and acceptes:
        st.caption("Seuls les fichiers acceptés seront chargés. Les fichiers refusés ne changent rien : corrigez-les "
                   "(ou faites-les corriger par la structure) et déposez-les à nouveau.")
    consigner = st.checkbox(
        "Consigner aussi les fichiers refusés dans l'historique", key="consigner_refus", disabled=not refuses,
        help="Leur rapport est alors conservé et les retours qu'ils portaient apparaissent « refusés » dans la "
             "Qualité des données (au lieu de « manquants »). Rien d'autre ne change.")
    a_charger = acceptes + ([v for v in refuses if v.consignable] if consigner else [])
    libelle = (f"Charger {pluriel(len(acceptes), 'le fichier accepté', 'les fichiers acceptés')}"
               if len(acceptes) != 1 else "Charger le fichier accepté")
    if not acceptes:
        libelle = "Consigner les refus" if consigner else "Aucun fichier à charger"
    sans_confirmation = [n for n in a_confirmer if n not in confirmes]
    if sans_confirmation:
        st.caption(f"{pluriel(len(sans_confirmation), 'fichier attend', 'fichiers attendent')} votre confirmation "
                   "(case « Je confirme » ci-dessus) : sans elle, il sera retenu et rien n'en sera enregistré.")
    st.button(libelle, type="primary", key="charger", disabled=not a_charger,
              on_click=lambda: st.session_state.update({DEMANDE: True}))
    if st.session_state.pop(DEMANDE, False) and a_charger:
        barre = st.progress(0.0, text="Chargement en cours…")

        def avancement(i: int, n: int, r) -> None:
            barre.progress(i / n, text=f"{i} / {n} · {r.name} : {chargements.STATUT_FICHIER[r.status]}")

        try:
            resultats = importation.charger(a_charger, progress=avancement, avec_refus=consigner,
                                            confirmer=confirmes)
        except Exception as exc:  # the warehouse is untouched: say so, never a traceback
            st.error("Le chargement n'a pas pu se faire ; l'entrepôt n'a pas changé. "
                     f"Détail : {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        else:
            st.session_state[BILAN] = importation.bilan(resultats)
            st.session_state[GENERATION] = gen + 1
            st.session_state.pop(VERIFS, None)
            st.rerun()
    elif not acceptes:
        st.caption("Aucun fichier accepté : corrigez les problèmes indiqués, puis déposez les fichiers à nouveau.")
    if sum(bool(v.result.problems) for v in verifs) > 1:
        tous = [p for v in verifs for p in v.result.problems]
        st.download_button("⬇️ Rapport de tous les fichiers (CSV)", data=lambda: rapports.to_csv(tous),
                           file_name="rapport_verification.csv", mime=export.MIME["csv"], key="rapport_tous",
                           on_click="ignore")
