"""Observatoire IAE: page config, navigation, global filters. Pages live in pages/."""

import streamlit as st

from ui import acces, data, filtres, navigation, page

st.set_page_config(page_title="Observatoire IAE", page_icon="📊", layout="wide",
                   initial_sidebar_state="expanded")

st.session_state[page.APPLICATION_KEY] = True  # see page.hors_application
page.style_global()
# The filters first in the sidebar, above the sign-in notices: visible without scrolling at 1366x768.
haut_de_barre = st.sidebar.container()

user = acces.porte()  # signs in, or stops the run with the reason
specs = navigation.pages_for(user.role)
sections: dict[str, list] = {}
for spec in specs:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.default))
# In the page header: the sidebar keeps the filters at its top (see ui.navigation on the first paint).
current = st.navigation(sections, position="top")
current_spec = next(s for s in specs if s.title == current.title)

try:
    st.session_state[page.FILTRES_KEY] = filtres.afficher(haut_de_barre)
    missing = None if st.session_state[page.FILTRES_KEY] else data.MESSAGE_SANS_ENTREPOT
except data.DonneesIndisponibles as exc:
    missing = str(exc)
if missing:
    st.sidebar.info("Les filtres apparaîtront quand des données seront chargées.")
else:
    st.sidebar.caption(f"Données : entrepôt {data.libelle_version()}")
    acces.choix_diffusion(user)

if missing and current_spec.needs_data:
    page.sans_donnees(current_spec.title, missing)
else:
    current.run()
