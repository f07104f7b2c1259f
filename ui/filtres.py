"""The global filters (year, types, basins): sidebar widgets bound to the URL.

A link copied from the address bar reproduces the view: every filter, the year included,
is written in the query string (`?annee=2024&types=ACI&bassins=Sud`: Streamlit writes the
option as shown, so basins appear by their label). The year has no
widget default (index=None) and is set through session state instead, so that even the
default year stays in the URL and an old link keeps showing its year when a new one is
loaded. The widgets are drawn by app.py on every page, so the filters follow the user from
page to page.
"""

from __future__ import annotations

import streamlit as st

from ui import data, labels
from warehouse.scope import Filters

KEY_ANNEE, KEY_TYPES, KEY_BASSINS = "annee", "types", "bassins"
# Streamlit's select boxes write English ("Select all", "No results") in the browser: no bulk
# action, and no typing in short lists (a long list gets a search field of ours, ui.page.choix_siae).
SANS_ANGLAIS = {"select_all": False, "filter_mode": None}


def annee_par_defaut(annees) -> int | None:
    """The latest year for which some return was received; else the latest year under agreement."""
    with_data = annees.filter(annees["avec_retour"])["annee"].to_list()
    every = annees["annee"].to_list()
    return max(with_data or every) if every else None


def afficher(conteneur=None) -> Filters | None:
    """Draw the global filters in the sidebar (or `conteneur`, a place in it) and return what is
    chosen (a warehouse Filters); None when there is no data to filter. Pages read them with
    ui.page.filtres()."""
    options = data.lire("annees", Filters())
    if options.is_empty():
        return None
    years = sorted(options["annee"].to_list(), reverse=True)
    default = annee_par_defaut(options)
    if KEY_ANNEE not in st.session_state:
        # First run of the session. With no valid year in the link, write the default year in
        # the URL before the widget binds, so that the link names its year; keep the year in
        # session state too, so it holds on reruns whatever the URL seeding does.
        url = st.query_params.get(KEY_ANNEE)
        annee = int(url) if url in [str(y) for y in years] else default
        st.query_params[KEY_ANNEE] = str(annee)
        st.session_state[KEY_ANNEE] = annee
    types = data.lire("types_siae", Filters())["type_siae"].to_list()
    bassins = data.lire("bassins", Filters())["bassin"].to_list()
    # Under statistical secrecy tables are published for one basin or all, one type or all
    # (warehouse.diffusion): the widgets take one value at most.
    un_seul = 1 if data.scope_courant().secret_statistique else None

    with conteneur or st.sidebar:
        st.selectbox("Année", years, index=None, key=KEY_ANNEE, bind="query-params", filter_mode=None,
                     placeholder=f"{default} (dernière année avec des retours)",
                     help="Année d'exercice des retours. Par défaut, la dernière année pour laquelle des retours "
                          "ont été reçus.")
        st.multiselect("Types de SIAE", types, key=KEY_TYPES, bind="query-params", max_selections=un_seul,
                       **SANS_ANGLAIS, format_func=labels.type_siae, placeholder="Tous les types",
                       help="Aucun type choisi : tous les types.\n\n" + "  \n".join(
                           labels.type_siae_long(t) for t in types))
        st.multiselect("Bassins d'emploi", bassins, key=KEY_BASSINS, bind="query-params", max_selections=un_seul,
                       **SANS_ANGLAIS, format_func=labels.bassin, placeholder="Tous les bassins",
                       help="Aucun bassin choisi : toute La Réunion.")
        if un_seul:
            st.caption("🔒 Secret statistique : les tableaux sont publiés pour un bassin ou pour tous, un type "
                       "ou pour tous.")
        st.button("Réinitialiser les filtres", key="reinitialiser", type="tertiary", on_click=_reinitialiser,
                  args=(default,))
        st.caption("Le lien de la page (barre d'adresse) reproduit exactement cette vue : copiez-le pour la "
                   "partager.")
    return courants(default, un_seul=bool(un_seul), tous_types=types, tous_bassins=bassins)


def _reinitialiser(default: int | None) -> None:
    st.session_state[KEY_ANNEE] = default
    st.session_state[KEY_TYPES] = []
    st.session_state[KEY_BASSINS] = []


def courants(default: int | None = None, *, un_seul: bool = False, tous_types=(), tous_bassins=()) -> Filters:
    """The chosen filters; `un_seul`: at most one type and one basin (a link may name more:
    the first is kept, and the sidebar says so). Every option chosen is no filter (under secrecy
    too: a scope of one basin, that basin chosen, is the whole scope)."""
    annee = st.session_state.get(KEY_ANNEE) or default
    types = tuple(sorted(st.session_state.get(KEY_TYPES) or ()))
    bassins = tuple(sorted(st.session_state.get(KEY_BASSINS) or ()))
    if un_seul and (len(types) > 1 or len(bassins) > 1):
        st.sidebar.warning("Un seul bassin et un seul type à la fois sous secret statistique : seul le premier "
                           "de chaque liste est retenu.")
        types, bassins = types[:1], bassins[:1]
    return Filters(annee=int(annee) if annee is not None else None,
                   types=sans_filtre_si_tout(types, tous_types),
                   bassins=sans_filtre_si_tout(bassins, tous_bassins))


def sans_filtre_si_tout(choisis, tous) -> tuple[str, ...]:
    """Every option chosen is no filter at all (the empty tuple): all five types give the same
    figures, from the same warehouse totals, as none chosen."""
    choisis = tuple(sorted(choisis or ()))
    return () if tous and set(choisis) >= set(tous) else choisis


def depuis_url(key: str, param: str, valides, *, multiple: bool = False) -> None:
    """Before a widget whose URL parameter holds codes (not labels): a link wins once.

    `bind="query-params"` writes an option as it is shown (its label); a SIRET or an
    indicator name reads better in a link than "Jardins du Nord — Saint-Denis (ACI)". So
    these widgets take the code from the URL when the URL changed since the last run (a
    link was followed), and `vers_url` writes the user's choice back.
    """
    valides = set(valides)
    if multiple:
        url = [v for v in st.query_params.get_all(param) if v in valides]
    else:
        value = st.query_params.get(param)
        url = value if value in valides else None
    if url and url != st.session_state.get(f"_url_{param}"):
        st.session_state[key] = url
    st.session_state[f"_url_{param}"] = url


def vers_url(param: str, value) -> None:
    """After the widget: the URL says what is shown, so the link can be shared."""
    current = st.query_params.get_all(param) if isinstance(value, list) else st.query_params.get(param)
    if value == current or (not value and not current):
        return
    if value:
        st.query_params[param] = value
    else:
        del st.query_params[param]
    st.session_state[f"_url_{param}"] = value
