"""What the returns pages (quality, import, history, templates) share: cached reads of
warehouse.queries_retours, the import pipeline (check, then load), French words for the
loader's statuses, the return matrix and the return-rate chart.

The import pipeline takes a list of (file name, bytes): the page feeds it from
st.file_uploader, tests may feed it directly. It uses the loader of the command line
(loaders.load.check_file and load_files), never a copy of its rules.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Collection

import altair as alt
import duckdb
import polars as pl
import streamlit as st

from contract import COMMUNES_REUNION, REPORT_COLUMNS, TEMPLATES
from loaders.load import (HELD, LOADED, REJECTED, STATUS_LABELS, UNCHANGED, FileResult, _holds_communes, check_file,
                          load_files, replacement_summary)
from loaders.report import ERROR, WARNING, Problem, group, to_csv
from loaders.template import blank_workbook, prefill_rows, prefilled_workbook
from ui import acces, data, export, labels, page
from ui.charts import finish
from ui.format import NNBSP, VIDE, fmt_nombre, fmt_valeur
from warehouse import queries_retours
from warehouse.db import WarehouseError, db_path, list_versions
from warehouse.queries import Filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


# ---------- reading the warehouse ----------

@st.cache_data(max_entries=256, show_spinner=False)
def _lire(version_path: str, nom: str, filters: Filters, scope, options: tuple) -> pl.DataFrame:
    cur = data._connexion(version_path).cursor()
    try:
        return getattr(queries_retours, nom)(cur, filters, scope, **dict(options))
    finally:
        cur.close()


def lire(nom: str, filters: Filters | None = None, **options) -> pl.DataFrame:
    """`warehouse.queries_retours.<nom>` for the current user's scope, cached on the warehouse
    version like ui.data.lire (a load makes a new version, so the next run reads it)."""
    v = data.version()
    if v is None:
        raise data.DonneesIndisponibles(data.MESSAGE_SANS_ENTREPOT)
    try:
        return _lire(str(v), nom, filters or Filters(), data.scope_courant(), tuple(sorted(options.items())))
    except (duckdb.Error, WarehouseError) as exc:
        raise data.DonneesIndisponibles(
            "L'entrepôt de données ne peut pas être lu. Il a peut-être été créé par une version plus ancienne "
            f"de l'outil : rechargez les retours. Détail technique : {str(exc).splitlines()[0]}") from exc


def date_fr(v) -> str:
    """A moment as French officers write it: 03/02/2026 14:05."""
    if v is None:
        return VIDE
    return v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else str(v)


def dates_fr(df: pl.DataFrame, *cols: str) -> pl.DataFrame:
    """Datetime columns as French text (tables and exports show them as read)."""
    return df.with_columns(pl.col(c).dt.strftime("%d/%m/%Y %H:%M") for c in cols if c in df.columns)


# ---------- words ----------

STATUT_FICHIER = dict(STATUS_LABELS)  # loaded / unchanged / rejected, as the command line says them
ACTIONS = {"new": "nouveau", "replaced": "remplacé", "unchanged": "inchangé", "rejected": "refusé"}
CELLULES = {"RECU": "✅ reçu", "REMPLACE": "🔄 reçu, remplacé", "REFUSE": "⛔ refusé", "MANQUANT": "❌ manquant"}
LEGENDE = ("✅ reçu · 🔄 reçu, remplace un envoi précédent (qui reste récupérable) · ⛔ refusé : un fichier a été "
           "envoyé mais contenait des erreurs, aucun retour valable n'est en vigueur · ❌ manquant : rien reçu")


# Short names where room is scarce (matrix columns, lists of missing returns).
MODELES_COURTS = {"structure": "Fiche structure", "salaries_insertion": "Salariés", "personnel_permanent": "Personnel",
                  "finances": "Finances", "conventions": "Conventions", "communes": "Communes"}


def modele(template: str) -> str:
    t = TEMPLATES.get(template)
    return t.label if t else template


def modeles(templates: list[str] | str) -> str:
    if isinstance(templates, str):
        templates = [t for t in templates.split(",") if t]
    return ", ".join(modele(t) for t in templates) or VIDE


def taille(octets: int) -> str:
    """A file size the French way: 820 o, 12,5 Ko, 3,2 Mo."""
    if octets < 1024:
        return f"{fmt_nombre(octets)}{NNBSP}o"
    if octets < 2**20:
        return f"{fmt_nombre(octets / 1024, 1)}{NNBSP}Ko"
    return f"{fmt_nombre(octets / 2**20, 1)}{NNBSP}Mo"


def pluriel(n: int, mot: str, pluriel_: str | None = None) -> str:
    """"1 fichier", "3 fichiers", "0 fichier" (French: 0 and 1 are singular)."""
    return f"{fmt_nombre(n)} {mot if abs(n) < 2 else (pluriel_ or mot + 's')}"


# ---------- the return matrix ----------

def matrice(suivi: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """suivi_retours rows -> one row per SIAE, one column per template (its state in words).

    Returns the frame and the (template, French title) of its template columns, in order.
    """
    ordre = suivi.select("template", "template_rang").unique().sort("template_rang")["template"].to_list()
    cols = [(t, MODELES_COURTS.get(t, modele(t))) for t in ordre]
    if suivi.is_empty():
        return pl.DataFrame(), cols
    etat = (
        pl.when(pl.col("statut") == "RECU").then(
            pl.when(pl.col("nb_remplacements") > 0)
            .then(pl.format("{} {} fois", pl.lit(CELLULES["REMPLACE"]), pl.col("nb_remplacements")))
            .otherwise(pl.lit(CELLULES["RECU"])))
        .when(pl.col("statut") == "REFUSE").then(pl.lit(CELLULES["REFUSE"]))
        .otherwise(pl.lit(CELLULES["MANQUANT"]))
    )
    long = suivi.with_columns(etat.alias("etat"))
    wide = long.pivot(on="template", index=["siret", "raison_sociale", "type_siae", "bassin"], values="etat",
                      aggregate_function="first")
    recus = long.group_by("siret").agg((pl.col("statut") == "RECU").sum().alias("nb_recus"))
    wide = wide.join(recus, on="siret", how="left")
    return wide.sort(["nb_recus", "raison_sociale", "siret"]), cols


def relance_affichage(df: pl.DataFrame) -> pl.DataFrame:
    """The lists of missing and refused returns in short words: "Salariés, Finances"."""
    def mots(col: str) -> pl.Expr:
        return pl.col(col).list.eval(pl.element().replace_strict(MODELES_COURTS, default=pl.element())) \
            .list.join(", ").alias(col)
    return dates_fr(df.with_columns(mots("retours_manquants"), mots("retours_refuses")), "dernier_refus_le")


# ---------- the return-rate chart ----------

def carte_taux(df: pl.DataFrame) -> alt.Chart:
    """Return rate (four returns received) by basin and type: a coloured grid with its values."""
    d = df.with_columns(
        labels.en_mots(df, "bassin", labels.bassin).alias("bassin_libelle"),
        labels.en_mots(df, "type_siae", labels.type_siae).alias("type_libelle"),
        pl.format("{} / {}", pl.col("nb_retours_complets"), pl.col("nb_siae")).alias("complets"),
    )
    base = alt.Chart(d).encode(
        x=alt.X("type_libelle:N", title="Type de SIAE", axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("bassin_libelle:N", title=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("taux_retour:Q", title="Taux de retour", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                        legend=alt.Legend(format=".0%", orient="right", gradientLength=110)),
        tooltip=[alt.Tooltip("bassin_libelle:N", title="Bassin"), alt.Tooltip("type_libelle:N", title="Type"),
                 alt.Tooltip("taux_retour:Q", title="Taux de retour", format=".0%"),
                 alt.Tooltip("complets:N", title="SIAE aux 4 retours reçus"),
                 alt.Tooltip("nb_recus:Q", title="Retours reçus"),
                 alt.Tooltip("nb_manquants:Q", title="Retours manquants"),
                 alt.Tooltip("nb_refuses:Q", title="Retours refusés")],
    )
    text = base.mark_text(fontSize=14, fontWeight="bold").encode(
        text=alt.Text("taux_retour:Q", format=".0%"),
        color=alt.ColorValue("#161616", condition={"test": "datum.taux_retour > 0.6", "value": "white"}),
    )
    height = 150 + 52 * d["bassin_libelle"].n_unique()  # the whole chart: title, top axis and rows
    chart = (cells + text).properties(
        title=alt.Title("Taux de retour par bassin et type de SIAE",
                        subtitle="Part des SIAE conventionnées dont les quatre retours de l'année sont reçus",
                        anchor="start"),
        height=height, width="container")
    return finish(chart)


# ---------- import: check, then load ----------

@dataclass
class Verification:
    """One uploaded file, checked by the loader (nothing stored)."""

    name: str
    size: int
    sha: str
    result: FileResult
    data: bytes = field(repr=False, default=b"")
    trop_gros: bool = False  # over the upload limit: refused without being read
    incident: bool = False  # the check itself failed: worth trying again, not worth remembering

    @property
    def accepte(self) -> bool:
        return self.result.status != REJECTED

    @property
    def consignable(self) -> bool:
        """A refused file the loader read, whose refusal can be kept in the load history."""
        return not self.accepte and not self.trop_gros


def limite_mo() -> int:
    """The upload limit (server.maxUploadSize in .streamlit/config.toml), in megabytes."""
    return int(st.get_option("server.maxUploadSize"))


def communes_connues() -> set[str]:
    """Communes known to the warehouse; the default reference when there is none yet."""
    if data.version() is None:
        return {c[0] for c in COMMUNES_REUNION}
    return set(lire("communes")["commune_insee"].to_list())


def _nom_sur(name: str) -> str:
    """A user's file name, safe as a file name in a temporary folder (never a path)."""
    base = Path(name.replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else "fichier"


def _ecrire(folder: Path, i: int, name: str, content: bytes) -> Path:
    """Write an upload under its own name (one sub-folder each: two uploads may share a name)."""
    target = folder / f"{i:03d}" / _nom_sur(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def verifier(fichiers: list[tuple[str, bytes]], communes: set[str] | None = None,
             deja: dict | None = None) -> list[Verification]:
    """Check each file with the loader, storing nothing. Files bringing communes come first
    (as in load_files), so a register naming a new commune checks against it.

    `deja` maps (name, sha) to an earlier Verification, to skip files already checked.
    """
    communes = set(communes_connues() if communes is None else communes)
    limite = limite_mo() * 2**20
    ordre = sorted(range(len(fichiers)), key=lambda i: not _holds_communes(Path(_nom_sur(fichiers[i][0]))))
    out: dict[int, Verification] = {}
    folder = Path(tempfile.mkdtemp(prefix="iae_verif_"))
    try:
        for i in ordre:
            name, content = fichiers[i]
            sha = hashlib.sha256(content).hexdigest()
            if deja and (name, sha) in deja:
                out[i] = deja[(name, sha)]
                continue
            result = FileResult(Path(_nom_sur(name)), name)
            trop_gros, incident = len(content) > limite, False
            if trop_gros:
                result.problems.append(Problem(
                    name, None, None, None, None,
                    f"fichier trop volumineux ({taille(len(content))}) : la limite est de {limite_mo()}{NNBSP}Mo par "
                    "fichier. Envoyez les modèles dans des fichiers séparés."))
            else:
                try:
                    result, _ = check_file(_ecrire(folder, i, name, content), communes, name)
                except Exception as exc:  # a loader bug must read as a sentence, not a traceback
                    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    result.problems.append(Problem(name, None, None, None, None,
                                                   f"vérification impossible : {detail}"))
                    result.status = REJECTED
                    incident = True
            out[i] = Verification(name, len(content), sha, result, content, trop_gros, incident)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [out[i] for i in range(len(fichiers))]


def charger(verifs: list[Verification], user: str | None = None,
            progress: Callable[[int, int, FileResult], None] | None = None,
            avec_refus: bool = False, confirmer: Collection[str] = ()) -> list[FileResult]:
    """Load the accepted files, only those, into a new warehouse version (load_files).

    `avec_refus`: pass the refused files too, so the load history keeps their report and
    suivi_retours marks their returns "refusé" (the loader rejects them again, storing nothing).
    `confirmer`: names of the files whose replacement by fewer than half the rows the user
    confirmed (ui.remplacements); the loader holds the others back.
    """
    if not acces.peut_importer():
        raise PermissionError("Votre profil ne permet pas de charger des retours.")
    acceptes = [v for v in verifs if v.accepte or (avec_refus and v.consignable)]
    if not acceptes:
        return []
    folder = Path(tempfile.mkdtemp(prefix="iae_import_"))
    try:
        names = {}
        for i, v in enumerate(acceptes):
            names[_ecrire(folder, i, v.name, v.data)] = v.name
        from ui.remplacements import COMMENT_CONFIRMER

        return load_files(list(names), db_path(), user=user or acces.nom_utilisateur(), progress=progress,
                          names=names, confirmer=set(confirmer), how_to_confirm=COMMENT_CONFIRMER)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------- reports ----------

RAPPORT_COLONNES = list(REPORT_COLUMNS)  # fichier, feuille, ligne, colonne, valeur, regle


def rapport(problems: list[Problem]) -> pl.DataFrame:
    """Report lines as a frame: Fichier, Feuille, Ligne, Colonne, Valeur, Règle (Ligne is text:
    grouped lines read `2 à 41`)."""
    return pl.DataFrame(
        [{"fichier": p.fichier, "feuille": p.feuille, "ligne": None if p.ligne is None else str(p.ligne),
          "colonne": p.colonne, "valeur": p.valeur,
          "regle": p.regle if p.niveau == ERROR else f"avertissement : {p.regle}"} for p in problems],
        schema={"fichier": pl.String, "feuille": pl.String, "ligne": pl.String, "colonne": pl.String,
                "valeur": pl.String, "regle": pl.String})


def problemes_depuis(df: pl.DataFrame) -> list[Problem]:
    """load_problems rows back into Problems, for loaders.report.to_csv."""
    out = []
    for r in df.iter_rows(named=True):
        regle = r["regle"] or ""
        warn = regle.startswith("avertissement")
        out.append(Problem(r["fichier"], r["feuille"], r["ligne"], r["colonne"], r["valeur"],
                           regle.removeprefix("avertissement : ") if warn else regle, WARNING if warn else ERROR))
    return out


TABLE_MAX = 30  # up to this many report lines, a table that wraps long rules; beyond, a scrolling grid


def general(p: Problem) -> bool:
    """A problem about the whole file (unreadable, no template recognised), not about a cell."""
    return p.feuille is None and p.ligne is None and p.colonne is None


def rapport_lisible(problems: list[Problem], sans_fichier: bool = False) -> pl.DataFrame:
    """Report lines with French headers, as text (empty cells stay empty)."""
    df = rapport(problems).with_columns(pl.col("ligne").cast(pl.String)).fill_null("")
    if sans_fichier:
        df = df.drop("fichier")
    return df.rename({c: t for c, t in REPORT_COLUMNS.items() if c in df.columns})


def grille_rapport(problems: list[Problem], *, key: str, nom: str, hauteur: int | str = "auto",
                   sans_fichier: bool = False) -> None:
    """A report as the user reads it, and its CSV (the command line's --rapport).

    Problems about the whole file are sentences; problems about cells a table (Fichier, Feuille,
    Ligne, Colonne, Valeur, Règle) whose long rules wrap, or a scrolling grid for long reports.
    `sans_fichier` leaves the file name out when the page already names the file (the CSV has it).
    Repeated problems are one line (loaders.report.group): `Ligne` reads `2 à 41`.
    """
    problems = group(problems)
    for p in problems:
        if general(p):
            texte = p.regle[:1].upper() + p.regle[1:]
            prefixe = "" if sans_fichier else f"{md(p.fichier)} : "
            st.markdown(f"{'⚠️' if p.niveau == WARNING else '⛔'} {prefixe}{md(texte)}")
    cellules = [p for p in problems if not general(p)]
    if cellules:
        df = rapport_lisible(cellules, sans_fichier)
        if len(cellules) <= TABLE_MAX:
            st.table(df, hide_index=True)
        else:
            config = {c: st.column_config.TextColumn(c) for c in df.columns}
            config["Règle"] = st.column_config.TextColumn("Règle", width="large")
            st.caption(f"{pluriel(len(cellules), 'ligne')} de rapport : faites défiler le tableau, ou ouvrez le "
                       "rapport CSV dans Excel.")
            st.dataframe(df, hide_index=True, column_config=config, height=hauteur, key=f"rapport_{key}")
    st.download_button("⬇️ Rapport (CSV)", data=lambda: to_csv(problems), file_name=nom, mime=CSV,
                       key=f"rapport_csv_{key}", on_click="ignore",
                       help="Le rapport au format CSV (séparateur « ; »), à joindre à la relance de la structure.")


# ---------- versions ----------

@st.cache_data(max_entries=256, show_spinner=False)
def _resume_version(path: str, mtime: float, size: int, scope) -> dict:
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error:
        return {"nb_chargements": None, "dernier_chargement": None}
    try:
        return queries_retours.resume_version(con, Filters(), scope).row(0, named=True)
    except duckdb.Error:
        return {"nb_chargements": None, "dernier_chargement": None}
    finally:
        con.close()


def versions() -> pl.DataFrame:
    """The warehouse versions, newest first: number, date, size, loads recorded, current or not."""
    rows = []
    for v in list_versions(db_path()):
        st_ = v.path.stat()
        resume = _resume_version(str(v.path), st_.st_mtime, st_.st_size, data.scope_courant())
        rows.append({"version": v.number, "creee_le": v.created, "taille_mo": v.size / 1e6,
                     "nb_chargements": resume["nb_chargements"],
                     "dernier_chargement": resume["dernier_chargement"], "en_service": v.current})
    schema = {"version": pl.Int64, "creee_le": pl.Datetime, "taille_mo": pl.Float64, "nb_chargements": pl.Int64,
              "dernier_chargement": pl.Datetime, "en_service": pl.Boolean}
    return pl.DataFrame(rows, schema=schema).sort("version", descending=True)


# ---------- templates ----------

def classeur_vierge() -> bytes:
    """The blank return workbook a structure fills (loaders.template)."""
    return blank_workbook()


def classeur_registre() -> bytes:
    """The register of agreements and the communes reference, kept by the State office."""
    return blank_workbook(("conventions", "communes"))


def classeur_prerempli(siret: str, annee: int) -> bytes:
    """The return workbook of one SIAE for `annee`, with its identity and the people present
    on 31/12 of the year before (built when the user clicks)."""
    v = data.version()
    if v is None:
        raise data.DonneesIndisponibles(data.MESSAGE_SANS_ENTREPOT)
    cur = data._connexion(str(v)).cursor()
    try:
        return prefilled_workbook(prefill_rows(cur, siret, annee))
    finally:
        cur.close()


# ---------- import: what the page shows ----------

def md(text: str) -> str:
    """A user's text (a file name) shown literally in Markdown: no emphasis, link, LaTeX or emoji code."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|$:~" else c for c in str(text))


def afficher_verification(v: Verification, *, key: str) -> None:
    """One checked file: accepted with what it brings, or refused with its report."""
    r = v.result
    with st.container(border=True):
        if v.accepte:
            st.markdown(f"✅ **{md(v.name)}** ({taille(v.size)}) — accepté : {modeles(r.templates)} · "
                        f"{pluriel(r.rows, 'ligne')}"
                        + (f" · {pluriel(len(r.warnings), 'avertissement')}" if r.warnings else ""))
            if r.warnings:
                st.caption("Les avertissements n'empêchent pas le chargement ; vérifiez-les quand même.")
                grille_rapport(r.warnings, key=key, nom=nom_rapport(v.name),
                               hauteur=hauteur(len(r.warnings), 320), sans_fichier=True)
        else:
            st.markdown(f"❌ **{md(v.name)}** ({taille(v.size)}) — refusé : {pluriel(len(r.errors), 'problème')} "
                        "à corriger. Le fichier ne sera pas chargé.")
            grille_rapport(r.problems, key=key, nom=nom_rapport(v.name),
                           hauteur=hauteur(len(r.problems), 320), sans_fichier=True)


def nom_rapport(name: str) -> str:
    """`finances FAUX.csv` -> `rapport_finances FAUX.csv`, never `….csv.csv`."""
    return f"rapport_{Path(_nom_sur(name)).stem or 'fichier'}.csv"


def _remplacement(r: FileResult) -> str:
    """What a file replaced (or would have, when held): `remplace un retour de 205 lignes (…) par 82 lignes`."""
    return replacement_summary(r.replacements, held=r.status == HELD) if r.replacements else ""


def bilan(results: list[FileResult]) -> dict:
    """What a load did, kept in the session to show after the page reruns on the new version."""
    return {
        "quand": datetime.now(),
        "version": data.libelle_version(),
        "fichiers": pl.DataFrame(
            [{"fichier": r.name, "resultat": STATUT_FICHIER[r.status], "modeles": modeles(r.templates),
              "lignes": r.rows, "nouveaux": r.new, "remplaces": r.replaced, "inchanges": r.unchanged,
              "erreurs": len(r.errors), "avertissements": len(r.warnings), "remplacement": _remplacement(r)}
             for r in results],
            schema={"fichier": pl.String, "resultat": pl.String, "modeles": pl.String, "lignes": pl.Int64,
                    "nouveaux": pl.Int64, "remplaces": pl.Int64, "inchanges": pl.Int64, "erreurs": pl.Int64,
                    "avertissements": pl.Int64, "remplacement": pl.String}),
        "retenus": sum(r.status == HELD for r in results),
        "charges": sum(r.status == LOADED for r in results),
        "inchanges": sum(r.status == UNCHANGED for r in results),
        "refuses": sum(r.status == REJECTED for r in results),
        "problemes": [p for r in results if r.status == REJECTED for p in r.problems],
    }


BILAN_COLONNES = {
    "fichier": ("Fichier", "texte"), "resultat": ("Résultat", "texte"), "modeles": ("Modèles", "texte"),
    "lignes": ("Lignes", "nombre"), "nouveaux": ("Nouveaux", "nombre"), "remplaces": ("Remplacés", "nombre"),
    "inchanges": ("Inchangés", "nombre"), "erreurs": ("Erreurs", "nombre"),
    "avertissements": ("Avertissements", "nombre"), "remplacement": ("Remplacement", "texte"),
}


def config_colonnes(colonnes: dict[str, tuple[str, str]], largeurs: dict[str, str | int] | None = None) -> dict:
    """st.dataframe column settings from {column: (French title, unit)}; numbers in the browser's
    French format, like ui.page's tables."""
    out = {}
    largeurs = largeurs or {}
    for col, (titre, unite) in colonnes.items():
        w = {"width": largeurs[col]} if col in largeurs else {}
        if unite == "nombre":
            out[col] = st.column_config.NumberColumn(titre, format="localized", step=1, **w)
        elif unite in ("decimal", "etp"):
            out[col] = st.column_config.NumberColumn(titre, format="localized", step=0.1, **w)
        elif unite == "pourcentage":
            out[col] = st.column_config.NumberColumn(titre, format="percent", step=0.001, **w)
        elif unite == "annee":
            out[col] = st.column_config.NumberColumn(titre, format="%d", **w)
        elif unite == "booleen":
            out[col] = st.column_config.CheckboxColumn(titre, **w)
        else:
            out[col] = st.column_config.TextColumn(titre, **w)
    return out


def grille(t: export.Table, *, key: str, montrer: list[str] | None = None, hauteur: int | str = "auto",
           largeurs: dict[str, str | int] | None = None, fige: str | None = None, vide: str = "",
           texte_long: bool = False) -> None:
    """A table on screen with the columns that fit at 1366 px (`montrer`), exported whole
    (the export buttons of ui.page, same files as every other table).

    `texte_long`: columns of sentences; up to TABLE_MAX rows they show in a table that wraps
    them (a grid would cut them), beyond in a grid.
    """
    if t.df.is_empty():
        st.info(vide or "Aucune ligne pour cette sélection.")
        return
    cols = montrer or list(t.colonnes)
    shown = export.codes_en_libelles(t.df.select(cols))
    if texte_long and shown.height <= TABLE_MAX:
        texte = shown.select(
            pl.col(c).map_elements(lambda v, u=t.unite(c): fmt_valeur(v, u), return_dtype=pl.String)
            if t.unite(c) not in ("texte", "date") else pl.col(c).cast(pl.String) for c in cols
        ).fill_null(VIDE)
        st.table(texte.rename({c: t.titre_colonne(c) for c in cols}), hide_index=True)
    else:
        config = config_colonnes({c: (t.titre_colonne(c), t.unite(c)) for c in cols}, largeurs)
        if fige:
            config[fige]["pinned"] = True
        st.dataframe(shown, hide_index=True, column_config=config, height=hauteur, placeholder=VIDE,
                     key=f"grille_{key}")
    page.boutons_export(t, key=key)


def hauteur(n: int, maximum: int = 400) -> int:
    """Height of a grid of n rows, up to `maximum` pixels (then it scrolls)."""
    return min(maximum, 38 + 35 * max(n, 1))


def afficher_bilan(b: dict) -> None:
    """The outcome of the last load, at the top of the import page."""
    faits = []
    if b["charges"]:
        faits.append(pluriel(b["charges"], "fichier chargé", "fichiers chargés"))
    if b["inchanges"]:
        faits.append(pluriel(b["inchanges"], "fichier déjà chargé à l'identique",
                             "fichiers déjà chargés à l'identique"))
    if b["refuses"]:
        faits.append(pluriel(b["refuses"], "fichier refusé", "fichiers refusés"))
    if b.get("retenus"):
        faits.append(pluriel(b["retenus"], "fichier retenu faute de confirmation",
                             "fichiers retenus faute de confirmation"))
    texte = f"Chargement du {date_fr(b['quand'])} : {', '.join(faits) or 'aucun fichier'}."
    if b["charges"]:
        st.success(texte + f" Toutes les pages affichent désormais les nouveaux chiffres (entrepôt : "
                           f"{b['version']}).", icon="✅")
    elif b["refuses"] or b.get("retenus"):
        st.warning(texte + " Les refus sont consignés dans l'historique ; rien d'autre n'a changé.", icon="⚠️")
    else:
        st.info(texte + " Rien n'a changé : aucune nouvelle version de l'entrepôt n'a été créée.", icon="ℹ️")
    st.dataframe(b["fichiers"], hide_index=True, column_config=config_colonnes(BILAN_COLONNES), key="bilan")
    st.caption("Nouveaux, remplacés, inchangés : nombre de retours (une structure, un modèle, une année) que chaque "
               "fichier a apportés.")
    if b["problemes"]:
        st.markdown("**Rapport des fichiers refusés**")
        grille_rapport(b["problemes"], key="bilan", nom="rapport_chargement.csv",
                       hauteur=hauteur(len(b["problemes"]), 320))
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1])
    c1.page_link("pages/qualite.py", label="Qualité des données", icon="🩺")
    c2.page_link("pages/vue_ensemble.py", label="Vue d'ensemble", icon="🏠")
    c3.page_link("pages/historique.py", label="Historique des chargements", icon="🕘")
    c4.button("Masquer ce bilan", key="masquer_bilan", type="tertiary",
              on_click=lambda: st.session_state.pop("_import_bilan", None))


DEPOT_CSS = """
<style>
/* The drop zone speaks French: Streamlit's English words are hidden and ours written instead. */
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0 !important; }
[data-testid="stFileUploaderDropzoneInstructions"] span::before {
    content: "Glissez-déposez vos fichiers ici · __LIMITE__ Mo au plus par fichier"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::before {
    content: "Choisir des fichiers"; font-size: 0.875rem;
}
/* A file's size is written "53.5MB" by Streamlit: hidden (the check below gives it in French). A file
   over the limit is stopped by the browser before it reaches the app: its chip says why, in French. */
[data-testid="stFileChipName"] + div { font-size: 0 !important; }
[data-testid="stFileChip"]:has([data-testid="stFileChipIconError"]) [data-testid="stFileChipName"] + div::before {
    content: "non envoyé : plus de __LIMITE__ Mo"; font-size: 0.75rem; color: #b3261e; white-space: nowrap;
}
</style>
"""


def style_depot() -> None:
    st.html(DEPOT_CSS.replace("__LIMITE__", str(limite_mo())))


def libelle_chargement(df: pl.DataFrame, load_id: int, date_col: str = "loaded_at",
                       fichier_col: str = "fichier") -> str:
    """"n° 7 · finances_b.csv · 27/11/2026 10:03", to pick a load in a list."""
    row = df.filter(pl.col("load_id") == load_id).row(0, named=True)
    return f"n° {load_id} · {row[fichier_col]} · {date_fr(row[date_col])}"


# ---------- history: what the page shows ----------

def titres(colonnes: dict[str, tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((c, t) for c, (t, _) in colonnes.items())


def unites(colonnes: dict[str, tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((c, u) for c, (_, u) in colonnes.items())


CHARGEMENT_COLONNES = {
    "load_id": ("N°", "nombre"), "file_name": ("Fichier", "texte"), "loaded_at": ("Le", "texte"),
    "user_name": ("Par", "texte"), "resultat": ("Résultat", "texte"), "row_count": ("Lignes", "nombre"),
    "nb_erreurs": ("Erreurs", "nombre"), "nb_avertissements": ("Avertissements", "nombre"),
    "empreinte": ("Empreinte", "texte"), "modeles": ("Modèles", "texte"), "message": ("Détail", "texte"),
    "checksum": ("Empreinte SHA-256 complète", "texte"),
}
# On screen at 1366 px; the export has every column.
CHARGEMENT_MONTRE = ["file_name", "load_id", "loaded_at", "user_name", "resultat", "row_count", "nb_erreurs",
                     "nb_avertissements", "empreinte"]


def chargements_affichage(df: pl.DataFrame) -> pl.DataFrame:
    """stg_load_log rows as read: French outcome, template names, short checksum, French dates."""
    return dates_fr(df.with_columns(
        pl.col("status").replace_strict(STATUT_FICHIER, default=pl.col("status")).alias("resultat"),
        pl.col("templates").map_elements(modeles, return_dtype=pl.String).alias("modeles"),
        pl.col("checksum").str.slice(0, 12).alias("empreinte"),
    ), "loaded_at")


def resume_chargement(row: dict) -> str:
    """One load in a sentence: who, when, how many rows, and its outcome."""
    texte = (f"« {row['file_name']} », soumis le {date_fr(row['loaded_at'])} par {row['user_name'] or 'inconnu'} : "
             f"{STATUT_FICHIER.get(row['status'], row['status'])}")
    if row["status"] != REJECTED:
        texte += f" ({modeles(row['templates'] or '')}, {pluriel(row['row_count'] or 0, 'ligne')})"
    if row["message"]:
        texte += f" — {row['message']}"
    if row["checksum"]:
        texte += f". Empreinte SHA-256 : {row['checksum'][:12]}…"
    return texte if texte.endswith("…") else texte + "."


EFFET_COLONNES = {
    "annee": ("Année", "annee"), "raison_sociale": ("Raison sociale", "texte"), "siret": ("SIRET", "texte"),
    "template_libelle": ("Retour", "texte"), "effet": ("Effet", "texte"),
    "previous_load_id": ("Remplace le chargement n°", "nombre"),
}


def evenements_affichage(df: pl.DataFrame) -> pl.DataFrame:
    remplace = pl.format("remplace un retour de {} lignes", pl.col("previous_row_count"))
    return df.with_columns(
        pl.when((pl.col("action") == "replaced") & pl.col("previous_row_count").is_not_null()).then(remplace)
        .otherwise(pl.col("action").replace_strict(ACTIONS, default=pl.col("action"))).alias("effet")
        if "previous_row_count" in df.columns else
        pl.col("action").replace_strict(ACTIONS, default=pl.col("action")).alias("effet"),
        pl.col("raison_sociale").fill_null("hors registre des conventions"),
    )


VERSION_COLONNES = {
    "version": ("Version", "nombre"), "creee_le": ("Créée le", "texte"), "taille_mo": ("Taille (Mo)", "decimal"),
    "nb_chargements": ("Chargements enregistrés", "nombre"), "dernier_chargement": ("Dernier chargement", "texte"),
    "en_service": ("En service", "booleen"),
}


def libelle_version_ligne(versions_df: pl.DataFrame, numero: int) -> str:
    row = versions_df.filter(pl.col("version") == numero).row(0, named=True)
    n = row["nb_chargements"]
    return (f"Version {numero} du {date_fr(row['creee_le'])}"
            + (f" · {pluriel(n, 'chargement enregistré', 'chargements enregistrés')}" if n is not None else ""))


def restaurer(numero: int, cle_message: str, cle_confirmation: str) -> None:
    """Button callback: make version `numero` current again (as a new version) and log it.

    Runs before the page, so the page and the sidebar read the restored version at once.
    """
    from warehouse import audit
    from warehouse.db import restore

    link = db_path()
    if not acces.est_admin():
        st.session_state[cle_message] = (False, "Seul un administrateur peut restaurer une version.")
        return
    try:
        cible = restore(link, numero)
        audit.record(link, "restauration", acces.nom_utilisateur(), version=numero)
    except (WarehouseError, OSError) as exc:
        st.session_state[cle_message] = (False, f"La restauration n'a pas pu se faire ; rien n'a changé. "
                                                f"Détail : {exc}")
    else:
        nouvelle = int(cible.stem.lstrip("v"))
        st.session_state[cle_message] = (
            True, f"Version {numero} remise en service, sous le numéro {nouvelle}. Toutes les pages affichent "
                  "désormais ses chiffres.")
    st.session_state[cle_confirmation] = False


JOURNAL_COLONNES = {
    "quand": ("Quand", "texte"), "evenement": ("Action", "texte"), "utilisateur": ("Par", "texte"),
    "details": ("Détails", "texte"),
}


def journal_affichage(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col("quand").str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False).dt.strftime("%d/%m/%Y %H:%M"))
