"""The pages of the app, in one list: adding a page is adding a line here.

`roles` says who may open a page once sign-in exists (admin, agent, cta, structure);
today everybody is "admin". Icons are emoji: ":material/…:" icons load a font from the
internet, which the State's networks may block.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "agent", "cta", "structure")


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root, as st.Page and AppTest.switch_page want it
    title: str
    icon: str
    section: str
    roles: tuple[str, ...] = ROLES
    url_path: str | None = None
    default: bool = False
    needs_data: bool = True  # hidden behind the "no data yet" message when the warehouse is empty


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/vue_ensemble.py", "Vue d'ensemble", "🏠", "Tableau de bord", default=True,
             url_path="vue_ensemble"),
    PageSpec("pages/bassins.py", "Bassins", "🗺️", "Tableau de bord", url_path="bassins"),
    PageSpec("pages/structures.py", "Structures", "🏢", "Tableau de bord", roles=("admin", "agent", "structure"),
             url_path="structures"),
    PageSpec("pages/fiche_siae.py", "Fiche SIAE", "📇", "Tableau de bord", roles=("admin", "agent", "structure"),
             url_path="fiche_siae"),
    PageSpec("pages/publics.py", "Publics", "👥", "Thèmes", url_path="publics"),
    PageSpec("pages/personnel.py", "Personnel", "🧑‍🏫", "Thèmes", url_path="personnel"),
    PageSpec("pages/finances.py", "Finances", "💶", "Thèmes", url_path="finances"),
    PageSpec("pages/referentiel.py", "Référentiel des indicateurs", "📖", "Aide", url_path="referentiel",
             needs_data=False),
)


def pages_for(role: str) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def page(path: str) -> PageSpec:
    return next(p for p in PAGES if p.path == path)
