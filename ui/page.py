"""The building blocks pages are made of: header, metrics, tables with their exports, charts
with their empty states. Pages stay a description: they pick a query and a block.
"""

from __future__ import annotations

from typing import Callable

import altair as alt
import polars as pl
import streamlit as st

from ui import acces, charts, data, export, francais, labels
from ui.format import VIDE, arrondir, fmt_evolution, fmt_valeur
from warehouse.scope import Filters

FILTRES_KEY = "_filtres"
APPLICATION_KEY = "_par_application"  # this session has run app.py (hors_application)
_RELANCEE_KEY = "_relancee_par_application"
REFERENTIEL = "pages/referentiel.py"

NOTE_VIDE = (f"« {VIDE} » : valeur inconnue (retour non reçu, ou rapport dont le dénominateur est nul, "
             "par exemple aucune sortie hors sorties neutres).")


def hors_application() -> None:
    """Rerun through app.py when Streamlit ran this page file alone.

    A `pages/` folder puts the first run of a Streamlit process (and each AppTest run) in
    the legacy multipage mode, which runs /bassins as pages/bassins.py alone: no navigation,
    no filters. app.py's st.navigation clears `PagesManager.uses_pages_directory`; when a
    page still finds it set, app.py did not run, so leave that mode and run again: app.py
    then opens this same page (same URL) with everything around it.

    The flag belongs to the process: with several tabs opening at once on a new server, the
    first clears it while the others are already running their page alone. So a session that
    has never run app.py runs again too (once: a page file run by itself, as a test does,
    would loop). Then the role is checked, whichever way the page was reached.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    if not st.session_state.get(APPLICATION_KEY) and not st.session_state.get(_RELANCEE_KEY):
        st.session_state[_RELANCEE_KEY] = True
        st.rerun()
    _role_autorise()


def _role_autorise() -> None:
    """Stop a page the user's role may not open, however it was reached.

    The navigation already leaves such pages out; this is the second lock, for a page
    file run directly (Streamlit's legacy mode, see hors_application)."""
    import sys
    from pathlib import Path

    from ui import navigation

    frame = sys._getframe(1)
    while frame is not None and Path(frame.f_code.co_filename).parent.name != "pages":
        frame = frame.f_back
    if frame is None:
        return
    path = f"pages/{Path(frame.f_code.co_filename).name}"
    spec = next((p for p in navigation.PAGES if p.path == path), None)
    user = acces.utilisateur_courant()
    if spec is not None and (user is None or user.role not in spec.roles):
        st.error("Cette page n'est pas accessible avec votre profil.")
        st.stop()


def filtres() -> Filters:
    """The global filters app.py read from the sidebar for this run."""
    hors_application()
    return st.session_state[FILTRES_KEY]


def selection(f: Filters) -> str:
    """"2025 · Sud · ACI, EI": the selection in words, for titles."""
    return f"{f.annee} · {labels.selection(f.bassins, f.types)}"


def entete(titre: str, f: Filters | None, texte: str = "") -> None:
    hors_application()
    st.title(titre)
    if f is not None:
        st.caption(f"**{selection(f)}**" + (f" — {texte}" if texte else ""))
    elif texte:
        st.caption(texte[:1].upper() + texte[1:])


def lien_referentiel(cols: list[str] | tuple[str, ...] = (), texte: str = "Définitions des indicateurs") -> None:
    """A link to the glossary, filtered on the indicators of a chart or table."""
    names = [c for c in cols if labels.indicateur(c)]
    st.page_link(REFERENTIEL, label=texte, icon="📖",
                 query_params={"indicateurs": names} if names else None)


def metrique(col: str, row: dict | None, prev: dict | None = None, tendance: list | None = None,
             annee_prec: int | None = None, sens: str = "normal", libelle: str | None = None,
             container=None) -> None:
    """One indicator as a big number, its change from n-1 and its trend over the years.

    `sens`: "normal" when up is good (green), "inverse" when down is good, "off" when neither.
    """
    unit = labels.unite(col)
    value = row.get(col) if row else None
    before = prev.get(col) if prev else None
    delta = fmt_evolution(value, before, unit, court=True)
    where = container or st
    trend = tendance_sans_trou(tendance, value)
    secret = row.get(f"_secret_{col}") if row else None  # statistical secrecy, see warehouse.secrecy
    exact = ""
    if value is not None and fmt_valeur(value, unit, court=True) != fmt_valeur(value, unit):
        exact = f"\n\nValeur exacte : {fmt_valeur(value, unit)}."
    where.metric(
        libelle or labels.colonne(col),
        "secret" if secret else fmt_valeur(value, unit, court=True),
        delta=delta,
        delta_color=sens,
        help=labels.aide(col) + exact + (f"\n\nValeur masquée : {secret}." if secret else "")
        + ("" if value is not None or secret else f"\n\n{NOTE_VIDE}"),
        chart_data=trend if len(trend) >= 2 else None,
        delta_description=f"depuis {annee_prec}" if delta is not None and annee_prec else None,
        border=True,
        height="stretch",
    )


def tendance_sans_trou(valeurs: list | None, valeur_annee) -> list:
    """The values a metric's trend line draws: none when the year itself has no value, nor when a
    year is missing between two others (a line would cross the year without data); the years
    before the first value are left out."""
    vals = list(valeurs or [])
    while vals and vals[0] is None:
        vals.pop(0)
    if valeur_annee is None or None in vals:
        return []
    return vals


def _column_config(t: export.Table) -> dict:
    config = {}
    for col in t.colonnes:
        unit = t.unite(col)
        title = t.titre_colonne(col)
        help_text = labels.aide(col) or None
        if unit == "pourcentage":
            cfg = st.column_config.NumberColumn(title, help=help_text, format="percent", step=0.001)
        elif unit == "euros":
            cfg = st.column_config.NumberColumn(title, help=help_text, format="euro", step=1)
        elif unit in ("etp", "decimal"):
            cfg = st.column_config.NumberColumn(title, help=help_text, format="localized", step=0.1)
        elif unit == "nombre":
            cfg = st.column_config.NumberColumn(title, help=help_text, format="localized", step=1)
        elif unit == "annee":
            cfg = st.column_config.NumberColumn(title, help=help_text, format="%d")
        elif unit == "booleen":
            cfg = st.column_config.CheckboxColumn(title, help=help_text)
        else:
            cfg = st.column_config.TextColumn(title, help=help_text)
        config[col] = cfg
    return config


def _secrets_lisibles(t: export.Table, shown: pl.DataFrame, config: dict,
                      hidden: dict[str, list]) -> tuple[pl.DataFrame, dict]:
    """A column with a cell hidden by statistical secrecy is shown as text: the cell reads
    « secret » (an empty cell would read as a return not received), the others in French
    format; the column's help and the « Secret statistique » column say why."""
    for col, why in hidden.items():
        unit = t.unite(col)
        values = [("secret" if w else fmt_valeur(v, unit)) if (v is not None or w) else None
                  for v, w in zip(shown[col].to_list(), why)]
        shown = shown.with_columns(pl.Series(col, values, dtype=pl.String))
        config[col] = st.column_config.TextColumn(
            t.titre_colonne(col), help=(labels.aide(col) or "") + "\n\n« secret » : valeur masquée par le secret "
            "statistique (la raison est dans la colonne « Secret statistique »).")
    return shown, config


def tableau(t: export.Table, *, key: str, hauteur: int | str = "auto", vide: str = "",
            fige: str | None = None, selection: bool = False, tour: int = 0) -> int | None:
    """A table as a sortable grid (numbers in the browser's French format), then its exports.

    With `selection`, a row can be picked; its index in `t.df` is returned. A new `tour` draws
    the grid afresh, with no row picked (the exports keep their key).
    """
    if t.df.is_empty():
        st.info(vide or "Aucune ligne pour cette sélection.")
        return None
    hidden = export.masques(t)
    t = export.avec_secret(t)
    shown = arrondir(export.codes_en_libelles(t.df.select(list(t.colonnes))), {c: t.unite(c) for c in t.colonnes})
    config = _column_config(t)
    shown, config = _secrets_lisibles(t, shown, config, hidden)
    if fige and fige in config:
        config[fige]["pinned"] = True
    event = st.dataframe(shown, hide_index=True, column_config=config, height=hauteur, placeholder=VIDE,
                         key=f"grille_{key}" + (f"_{tour}" if tour else ""), on_select="rerun" if selection else "ignore",
                         selection_mode=["single-row", "single-cell"])
    boutons_export(t, key=key)
    # A click on any cell picks its row, as does the row's tick box.
    rows = [*event.selection.rows, *(c[0] for c in event.selection.cells)] if selection else []
    return rows[0] if rows else None


def _sans_accents(texte: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", texte.lower()) if unicodedata.category(c) != "Mn")


def choix_siae(noms: dict[str, str], *, key: str, libelle: str = "SIAE", aide: str | None = None,
               premiere: bool = False) -> str | None:
    """Pick one SIAE among many: a search field of ours, then the matching structures in a list.

    Streamlit's own search in a select box answers "No results" in English; here the list has
    no typing (filter_mode=None) and an empty search says so in French. `premiere`: the first
    match is chosen when nothing is (else the user must choose). The search reads the name,
    the town and the SIRET, without accents or case."""
    mots = _sans_accents(st.text_input("Rechercher une structure", key=f"{key}_recherche",
                                       placeholder="Raison sociale, commune ou SIRET")).split()
    trouvees = [s for s in noms if all(m in _sans_accents(f"{noms[s]} {s}") for m in mots)]
    courante = st.session_state.get(key)
    if len(trouvees) == 1 or (premiere and trouvees and courante not in trouvees):
        st.session_state[key] = courante = trouvees[0]
    if not trouvees:
        st.info("Aucune SIAE ne correspond à cette recherche : essayez une partie du nom, la commune ou le SIRET.")
    options = trouvees + ([courante] if courante in noms and courante not in trouvees else [])
    return st.selectbox(libelle, options, index=None, key=key, format_func=noms.get, filter_mode=None, help=aide,
                        placeholder=f"{len(trouvees)} SIAE : choisissez-en une dans la liste")


def fichier_export(t: export.Table, fmt: str, version: str) -> bytes:
    """The export's bytes, built on click, with a line in the audit log."""
    acces.noter_export(export.nom_fichier(t, fmt), t.df.height, t.diffusion)
    return export.xlsx_bytes(t, version=version) if fmt == "xlsx" else export.csv_bytes(t)


def boutons_export(t: export.Table, *, key: str) -> None:
    version = data.libelle_version()
    c1, c2, _ = st.columns([1, 1, 4], gap="small")
    c1.download_button("⬇️ Excel (.xlsx)", data=lambda: fichier_export(t, "xlsx", version),
                       file_name=export.nom_fichier(t, "xlsx"), mime=export.MIME["xlsx"], key=f"xlsx_{key}",
                       on_click="ignore", help="Le tableau tel qu'affiché, avec les filtres, au format Excel.")
    c2.download_button("⬇️ CSV (;)", data=lambda: fichier_export(t, "csv", version), file_name=export.nom_fichier(t, "csv"),
                       mime=export.MIME["csv"], key=f"csv_{key}", on_click="ignore",
                       help="Séparateur « ; », virgule décimale, UTF-8 : s'ouvre directement dans Excel.")


def onglets(libelles: list[str], key: str) -> list:
    """Tabs of which only the open one is computed and sent (`if onglet.open:`): hidden tabs
    mounted their grids at every page switch. The tab chosen stays open when the count in its
    label changes with the filters (« À relancer (3) » becoming « À relancer (2) »)."""
    avant = st.session_state.get(key)
    if avant is not None and avant not in libelles:
        racine = avant.split(" (")[0]
        st.session_state[key] = next((lib for lib in libelles if lib.split(" (")[0] == racine), libelles[0])
    return st.tabs(libelles, key=key, on_change="rerun")


def graphique(builder: Callable[[], alt.Chart], df: pl.DataFrame, *, vide: str, key: str | None = None,
              colonne: str | None = None) -> None:
    """A chart, or the reason there is none: never a blank chart. `colonne`: the column drawn,
    when `df` holds others (a row without it is not drawn; one hidden by statistical secrecy
    says so instead of reading as a missing return)."""
    secrets = [c for c in df.columns if c.startswith("_secret_") and df[c].null_count() < df.height
               and (colonne is None or c == f"_secret_{colonne}")]
    if df.is_empty() or (colonne is not None and df[colonne].null_count() == df.height):
        if secrets:
            why = df[secrets[0]].drop_nulls()[0].removeprefix("secret statistique : ")
            st.info(f"🔒 secret : valeur masquée par le secret statistique ({why}).")
        else:
            st.info(vide)
        return
    # Built and sent without Altair's schema validation (most of a page's rerun): see charts.spec.
    st.vega_lite_chart(charts.spec(builder), key=key)
    if secrets:
        st.caption("🔒 Certaines valeurs de ce graphique sont masquées par le secret statistique (« secret » ; "
                   "le tableau dit pourquoi).")


def table_export(df: pl.DataFrame, colonnes, nom: str, titre: str, f: Filters, **extra) -> export.Table:
    """An export.Table carrying the global filters in its file name and its "Filtres" sheet."""
    if data.scope_courant().secret_statistique:
        extra.setdefault("diffusion", True)
        extra["suffixe"] = (*extra.get("suffixe", ()), "diffusion")
    return export.Table(
        df=df, colonnes=tuple(colonnes), nom=nom, titre=titre,
        filtres=(("Année", str(f.annee)),
                 ("Types de SIAE", ", ".join(labels.type_siae_long(t) for t in f.types) or "tous"),
                 ("Bassins", ", ".join(labels.bassin(b) for b in f.bassins) or "tous")) + extra.pop("filtres", ()),
        suffixe=(str(f.annee), "-".join(f.bassins) or "tous-bassins", "-".join(f.types) or "tous-types")
        + extra.pop("suffixe", ()),
        **extra,
    )


def sans_donnees(titre: str, message: str) -> None:
    st.title(titre)
    st.warning(message, icon="📭")


def stop_si(condition: bool, message: str) -> None:
    if condition:
        st.info(message)
        st.stop()


def groupe(row: dict) -> str:
    """"Sud · ACI" for a row of indicateurs_territoire."""
    return f"{labels.bassin(row['bassin'])} · {labels.type_siae(row['type_siae'])}"


def indicateurs_cles(f: Filters, terr: pl.DataFrame, cols: list[tuple[str, str]], *, par_ligne: int = 4,
                     container=None) -> dict | None:
    """Metrics of the selection for the year, with change from n-1 and trend since the first year.

    `terr` comes from queries.territoire(depuis=...). When the selection is one group (all or
    one basin, all or one type) the metrics show; when the user picked several basins or
    types the warehouse has no total for that set (see the report), so a table shows one row
    per group instead. `cols` is [(column, sens)], sens as in `metrique`. Returns the row
    of the year for the single group, else None.
    """
    where = container or st
    year = terr.filter(pl.col("annee") == f.annee)
    if year.is_empty():
        where.info(f"Aucune SIAE conventionnée en {f.annee} pour cette sélection.")
        return None
    if year.height > 1:
        where.info("Plusieurs bassins ou types sont choisis : les chiffres sont donnés pour chacun "
                   "(un total sur une sélection partielle n'est pas encore calculé par l'entrepôt).")
        with where.container():
            tableau(table_export(year, ["bassin", "type_siae", *[c for c, _ in cols]], "indicateurs_cles",
                                 "Chiffres clés par groupe", f), key="cles_groupes")
        return None
    row = year.row(0, named=True)
    prev_df = terr.filter(pl.col("annee") == f.annee - 1)
    prev = prev_df.row(0, named=True) if prev_df.height == 1 else None
    for start in range(0, len(cols), par_ligne):
        chunk = cols[start:start + par_ligne]
        columns = where.columns(par_ligne)
        for (col, sens), column in zip(chunk, columns):
            metrique(col, row, prev, tendance=terr[col].to_list() if col in terr.columns else None,
                     annee_prec=f.annee - 1 if prev else None, sens=sens, container=column)
    return row


GLOBAL_CSS = """
<style>
/* A metric's label and "depuis 2024" wrap instead of ending in "…" in narrow columns. */
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] .stMarkdownEllipsis p,
[data-testid="stMetricDelta"] ~ div .stMarkdownEllipsis, [data-testid="stMetricDelta"] ~ div p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>
"""


def style_global() -> None:
    st.html(GLOBAL_CSS)
    francais.installer()


PROJECTION_CSS = """
<style>
/* Projection on a wall screen: no sidebar, no toolbar, large type, the whole width. Sizes follow
   the screen (vw, vh) so that two rows of four figures fit from 1280x720 to 1920x1080. */
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.4rem 2rem 0.3rem 2rem; max-width: 100%; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.45rem; }
[data-testid="stMain"] h1 { font-size: min(2.6vw, 5vh); line-height: 1.1; padding: 0 0 0.2rem 0; }
[data-testid="stMetric"] { padding: 0.6rem 1rem; }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { font-size: min(1.35vw, 2.6vh) !important; line-height: 1.2; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: min(3.6vw, 6vh) !important; line-height: 1.1; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] p { font-size: min(1.2vw, 2.4vh) !important; }
[data-testid="stMetricDelta"] ~ div, [data-testid="stMetricDelta"] ~ div p { font-size: min(1.1vw, 2.2vh) !important; }
[data-testid="stCaptionContainer"] { font-size: min(1vw, 2vh); }
[data-testid="stCaptionContainer"] strong { font-size: min(1.4vw, 2.8vh); color: #1F1F1F; }
[data-testid="stButtonGroup"] button p { font-size: 1.6rem !important; }
[data-testid="stButtonGroup"] button { min-height: 3.2rem; padding: 0 1.6rem; }
</style>
"""


def mode_projection() -> None:
    st.html(PROJECTION_CSS)


BASSIN_PROJETE = "bassin_projete"


def bassin_projete(container, bassins: list[str]) -> str:
    """The basin on the wall screen, bound to the link (`?bassin_projete=Sud`).

    Streamlit writes and reads a bound option by its label, so a link typed with the code
    (`SUD`, as in the exports and the command line) was dropped and the first basin shown.
    The code, or the label in any case, is taken here before the widget reads the URL; the
    widget then writes the label back. The link wins only when it changed, so a click stays."""
    url = st.query_params.get(BASSIN_PROJETE)
    voulu = next((b for b in bassins if url and url.casefold() in (b.casefold(), labels.bassin(b).casefold())), None)
    pris = voulu is not None and url != labels.bassin(voulu) and url != st.session_state.get(f"_url_{BASSIN_PROJETE}")
    if pris:
        st.session_state[BASSIN_PROJETE] = voulu
    st.session_state[f"_url_{BASSIN_PROJETE}"] = url
    # No default beside a value set through session state (Streamlit warns on screen).
    return container.segmented_control("Bassin projeté", bassins, key=BASSIN_PROJETE, bind="query-params",
                                       default=None if pris else bassins[0], format_func=labels.bassin,
                                       required=True, label_visibility="collapsed")


def chiffres_projection(f: Filters, terr: pl.DataFrame, departement: dict | None, cols: list[tuple[str, str]],
                        *, par_ligne: int = 4) -> None:
    """A basin's key figures for a CTA meeting, each with La Réunion's figure just under it.

    `terr`: the basin over the years (queries.territoire(depuis=...)); `departement`: the
    row of the whole island for the year."""
    year, prev = (terr.filter(pl.col("annee") == a) for a in (f.annee, f.annee - 1))
    if year.height != 1:
        st.info(f"Aucune SIAE conventionnée en {f.annee} pour cette sélection.")
        return
    row, prev = year.row(0, named=True), prev.row(0, named=True) if prev.height == 1 else None
    for start in range(0, len(cols), par_ligne):
        for (col, sens), column in zip(cols[start:start + par_ligne], st.columns(par_ligne)):
            metrique(col, row, prev, tendance=terr[col].to_list(), annee_prec=f.annee - 1 if prev else None,
                     sens=sens, container=column)
            if departement is not None:
                column.caption(f"La Réunion : **{fmt_valeur(departement.get(col), labels.unite(col), court=True)}**")


FORMATION = {True: "A suivi une formation", False: "Pas de formation dans l'année", None: "Non renseigné"}


def libelles_formation(df: pl.DataFrame) -> pl.DataFrame:
    """formation_suivie is a yes/no column: its modalities in words."""
    return df.with_columns(pl.col("modalite").replace_strict(FORMATION, return_dtype=pl.String).alias("libelle"))

