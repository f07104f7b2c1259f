"""The pages of the app, in one list: adding a page is adding a line here.

`roles` says who may open a page (warehouse.roles: admin, agent, cta, structure): a page a
role may not open is not in its navigation, so its URL opens the default page. Icons are emoji: ":material/…:" icons load a font from the
internet, which the State's networks may block.

A page's URL is its file name (`/bassins`). Because a `pages/` folder exists, Streamlit
1.67 runs the first script of a process (and every AppTest run) in its legacy multipage
mode, where `/bassins` runs pages/bassins.py alone, without app.py. So every page starts
with `ui.page.filtres()` or `ui.page.entete()`, which notice that and rerun through app.py
(see ui.page.hors_application). A URL path that names no page (the default page's URL is
`/`, not `/vue_ensemble`) shows Streamlit's "Page not found" notice (put in French by
ui.francais) and opens the default page.

In that legacy mode the browser would also list the pages/ folder by file name until app.py's
navigation arrives: `.streamlit/config.toml` sets `client.showSidebarNavigation = false`, so
the first paint shows no navigation and the next one app.py's, in French. app.py puts the
navigation in the page header (st.navigation position="top", one menu per section) and the
global filters at the top of the sidebar, visible without scrolling at 1366x768.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.roles import ROLES


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root, as st.Page and AppTest.switch_page want it
    title: str
    icon: str
    section: str
    roles: tuple[str, ...] = tuple(ROLES)
    default: bool = False
    needs_data: bool = True  # hidden behind the "no data yet" message when the warehouse is empty

    @property
    def url_path(self) -> str:
        """The page's URL, its file name (see the module's note)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/vue_ensemble.py", "Vue d'ensemble", "🏠", "Tableau de bord", default=True),
    PageSpec("pages/bassins.py", "Bassins", "🗺️", "Tableau de bord"),
    PageSpec("pages/territoires.py", "Territoires", "📍", "Tableau de bord"),
    PageSpec("pages/structures.py", "Structures", "🏢", "Tableau de bord"),
    PageSpec("pages/fiche_siae.py", "Fiche SIAE", "📇", "Tableau de bord"),
    PageSpec("pages/points_attention.py", "Points d'attention", "🚩", "Tableau de bord",
             roles=("admin", "agent", "cta")),
    PageSpec("pages/dossier_comite.py", "Dossier de comité", "🗂️", "Tableau de bord",
             roles=("admin", "agent", "cta")),
    PageSpec("pages/publics.py", "Publics", "👥", "Thèmes"),
    PageSpec("pages/personnel.py", "Personnel", "🧑‍🏫", "Thèmes"),
    PageSpec("pages/finances.py", "Finances", "💶", "Thèmes"),
    PageSpec("pages/plan_action.py", "Plan d'action", "🎯", "Pilotage"),
    PageSpec("pages/qualite.py", "Qualité des données", "🩺", "Retours", roles=("admin", "agent", "cta")),
    PageSpec("pages/import_retours.py", "Importer des retours", "📥", "Retours", roles=("admin", "agent"),
             needs_data=False),
    PageSpec("pages/historique.py", "Historique des chargements", "🕘", "Retours", roles=("admin", "agent"),
             needs_data=False),
    PageSpec("pages/modeles.py", "Modèles de retour", "📄", "Retours", needs_data=False),
    PageSpec("pages/administration.py", "Utilisateurs et journal", "🔐", "Retours", roles=("admin",),
             needs_data=False),
    PageSpec("pages/referentiel.py", "Référentiel des indicateurs", "📖", "Aide",
             needs_data=False),
)


def pages_for(role: str) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def page(path: str) -> PageSpec:
    return next(p for p in PAGES if p.path == path)
