"""Exports of a table as shown: CSV for French Excel and XLSX with number formats.

Headers are the catalogue's French labels; numbers keep their value (not the on-screen
text) so Excel can compute with them. CSV: ";" separator, UTF-8 with BOM (French Excel
then reads accents right), decimal comma, percentages as 42,5 under a header ending in
"(%)". XLSX: percentages as fractions with a % format, euros with a € format, a sheet with
the filters of the export and one with the definitions of its indicators.
Files are built when the user clicks (st.download_button(data=callable)).

Hardening: a text cell starting with "=", "+", "-", "@" (or a tab or carriage return) is
written with a leading apostrophe, so a raison sociale such as "=HYPERLINK(...)" sent in a
return is never run as a formula by the spreadsheet that opens the export. Numbers are
written as numbers and keep their sign.

Statistical secrecy: a cell hidden by warehouse.secrecy is written "s" (the INSEE
convention) and the table gets a column saying why; the "Filtres" sheet says that secrecy
was applied.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

import polars as pl
import xlsxwriter

from ui import labels
from ui.format import EXCEL_FORMAT, csv_nombre
from warehouse import catalogue


@dataclass(frozen=True)
class Table:
    """A table as the page shows it: its frame, the columns in order, and what it is.

    `titres` and `unites` give the header and unit of columns the catalogue does not know
    (for instance "libelle" in a distribution); everything else comes from the catalogue.
    """

    df: pl.DataFrame
    colonnes: tuple[str, ...]
    nom: str  # file name stem, e.g. "indicateurs_siae"
    titre: str  # French, first line of the XLSX "Filtres" sheet
    filtres: tuple[tuple[str, str], ...] = ()  # (filter label, value in words)
    suffixe: tuple[str, ...] = ()  # the filters as short file name parts
    titres: tuple[tuple[str, str], ...] = ()
    unites: tuple[tuple[str, str], ...] = ()
    diffusion: bool = False  # statistical secrecy was applied (a table for circulation)

    def titre_colonne(self, col: str) -> str:
        return dict(self.titres).get(col) or labels.colonne(col)

    def unite(self, col: str) -> str:
        return dict(self.unites).get(col) or labels.unite(col)


SECRET = "s"  # a cell hidden by statistical secrecy, as INSEE writes it
SECRET_COLONNE = "secret_statistique"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(text: str) -> str:
    """Text that a spreadsheet would read as a formula, made inert."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def masques(t: Table) -> dict[str, list[str | None]]:
    """For each shown column that lost cells to statistical secrecy, why, row by row."""
    return {c: t.df[f"_secret_{c}"].to_list() for c in t.colonnes
            if f"_secret_{c}" in t.df.columns and t.df[f"_secret_{c}"].null_count() < t.df.height}


def avec_secret(t: Table) -> Table:
    """The table with a column saying which cells of each row are hidden, and why."""
    hidden = masques(t)
    if not hidden or SECRET_COLONNE in t.colonnes:
        return t
    lines = [
        " ; ".join(f"{t.titre_colonne(c)} : {why[i].removeprefix('secret statistique : ')}"
                   for c, why in hidden.items() if why[i]) or None
        for i in range(t.df.height)
    ]
    return replace(t, df=t.df.with_columns(pl.Series(SECRET_COLONNE, lines, dtype=pl.String)),
                   colonnes=(*t.colonnes, SECRET_COLONNE), diffusion=True,
                   titres=(*t.titres, (SECRET_COLONNE, "Secret statistique")),
                   unites=(*t.unites, (SECRET_COLONNE, "texte")))


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "x"


def nom_fichier(t: Table, ext: str) -> str:
    """indicateurs_siae_2025_SUD_ACI.xlsx: what, then which filters."""
    return "_".join([t.nom, *(_slug(s) for s in t.suffixe)]) + f".{ext}"


def codes_en_libelles(df: pl.DataFrame) -> pl.DataFrame:
    """Codes as users read them: basins by label, types by acronym, "TOUS" in words."""
    if "bassin" in df.columns:
        df = df.with_columns(labels.en_mots(df, "bassin", labels.bassin))
    if "type_siae" in df.columns:
        df = df.with_columns(labels.en_mots(df, "type_siae", labels.type_siae))
    return df


def _cellule_csv(v, unit: str, secret: bool) -> str:
    if secret:
        return SECRET
    if v is None:
        return ""
    return neutraliser(v) if isinstance(v, str) else csv_nombre(v, unit)


def csv_bytes(t: Table) -> bytes:
    t = avec_secret(t)
    hidden = masques(t)
    df = codes_en_libelles(t.df.select(list(t.colonnes)))
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    units = [t.unite(c) for c in t.colonnes]
    w.writerow([neutraliser(t.titre_colonne(c)) + (" (%)" if u == "pourcentage" else "")
                for c, u in zip(t.colonnes, units)])
    for i, row in enumerate(df.iter_rows()):
        w.writerow([_cellule_csv(v, u, bool(hidden.get(c) and hidden[c][i]))
                    for c, v, u in zip(t.colonnes, row, units)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _styles(wb) -> dict:
    return {"bold": wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EDF7",
                                   "border": 1}),
            "text": wb.add_format({}),
            **{u: wb.add_format({"num_format": f}) for u, f in EXCEL_FORMAT.items()}}


def _feuille_donnees(wb, nom: str, t: Table, styles: dict) -> None:
    """One table on its own sheet: French headers, numbers with their unit's format, secret cells "s"."""
    t = avec_secret(t)
    hidden = masques(t)
    df = codes_en_libelles(t.df.select(list(t.colonnes)))
    ws = wb.add_worksheet(nom)
    units = [t.unite(c) for c in t.colonnes]
    for j, (col, unit) in enumerate(zip(t.colonnes, units)):
        ws.write_string(0, j, t.titre_colonne(col), styles["bold"])
        width = max([len(t.titre_colonne(col)) * 0.9, 10] + [len(str(v)) for v in df[col].head(200).to_list()])
        ws.set_column(j, j, min(width + 2, 48), styles.get(unit, styles["text"]))
    for i, row in enumerate(df.iter_rows(), start=1):
        for j, (col, v, unit) in enumerate(zip(t.colonnes, row, units)):
            if col in hidden and hidden[col][i - 1]:
                ws.write_string(i, j, SECRET)
                continue
            if v is None:
                continue  # an empty cell: unknown, never 0
            if unit == "booleen" or isinstance(v, bool):
                ws.write_string(i, j, "oui" if v else "non")
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v, styles.get(unit, styles["text"]))
            else:
                ws.write_string(i, j, neutraliser(str(v)))
    ws.freeze_panes(1, 0)
    if df.height:
        ws.autofilter(0, 0, df.height, len(t.colonnes) - 1)


NOTE_SECRET = (f"appliqué : « {SECRET} » marque une valeur masquée, la colonne « Secret statistique » dit "
               "pourquoi (trop peu de personnes ou de structures, ou case qui permettrait de recalculer une valeur "
               "masquée).")


def _feuille_filtres(wb, lines: list[tuple[str, str]], styles: dict) -> None:
    info = wb.add_worksheet("Filtres")
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 90)
    for i, (k, v) in enumerate(lines):
        info.write_string(i, 0, k, styles["bold"])
        info.write_string(i, 1, v)


def _feuille_definitions(wb, colonnes, styles: dict) -> None:
    defs = list(dict.fromkeys(c for c in colonnes if c in catalogue.INDICATORS))
    if not defs:
        return
    ds = wb.add_worksheet("Définitions")
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for j, (h, w) in enumerate([("Indicateur", 30), ("Définition", 70), ("Formule", 50), ("Source", 30),
                                ("Précision", 45)]):
        ds.write_string(0, j, h, styles["bold"])
        ds.set_column(j, j, w, wrap)
    for i, col in enumerate(defs, start=1):
        ind = catalogue.INDICATORS[col]
        ds.write_string(i, 0, ind.label)
        ds.write_string(i, 1, ind.definition)
        ds.write_string(i, 2, ind.formula)
        ds.write_string(i, 3, ", ".join(labels.source(s) for s in ind.sources))
        ds.write_string(i, 4, PRECISION.get(ind.unit, ""))
    ds.freeze_panes(1, 0)


def _classeur(titre: str) -> tuple[io.BytesIO, xlsxwriter.Workbook]:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True})
    wb.set_properties({"title": titre, "author": "Observatoire IAE", "comments": "Export de l'Observatoire IAE"})
    return buf, wb


def xlsx_bytes(t: Table, *, version: str = "") -> bytes:
    buf, wb = _classeur(t.titre)
    styles = _styles(wb)
    _feuille_donnees(wb, "Données", t, styles)
    shown = avec_secret(t)
    lines = [("Export", t.titre), *((k, neutraliser(v)) for k, v in t.filtres),
             ("Date de l'export", datetime.now().strftime("%d/%m/%Y %H:%M")),
             ("Lignes", str(t.df.height)),
             ("Cellule vide", "valeur inconnue : retour non reçu, ou rapport dont le dénominateur est nul")]
    if shown.diffusion:
        lines.append(("Secret statistique", NOTE_SECRET))
    lines.append(("Précision", NOTE_PRECISION))
    if version:
        lines.append(("Version de l'entrepôt", version))
    _feuille_filtres(wb, lines, styles)
    _feuille_definitions(wb, t.colonnes, styles)
    wb.close()
    return buf.getvalue()


def classeur_bytes(feuilles: list[tuple[str, Table]], *, titre: str, filtres: tuple[tuple[str, str], ...] = (),
                   version: str = "", diffusion: bool = False) -> bytes:
    """Several tables in one workbook, one sheet each (name: at most 31 characters), then the
    "Filtres" sheet (what the workbook is, its filters, each sheet's rows) and "Définitions"."""
    buf, wb = _classeur(titre)
    styles = _styles(wb)
    for nom, t in feuilles:
        _feuille_donnees(wb, nom[:31], t, styles)
    lines = [("Dossier", titre), *((k, neutraliser(v)) for k, v in filtres),
             ("Date de l'export", datetime.now().strftime("%d/%m/%Y %H:%M")),
             *((f"Feuille « {nom[:31]} »", f"{t.titre} : {t.df.height} ligne(s)") for nom, t in feuilles),
             ("Cellule vide", "valeur inconnue : retour non reçu, ou rapport dont le dénominateur est nul")]
    if diffusion or any(avec_secret(t).diffusion for _, t in feuilles):
        lines.append(("Secret statistique", NOTE_SECRET))
    lines.append(("Précision", NOTE_PRECISION))
    if version:
        lines.append(("Version de l'entrepôt", version))
    _feuille_filtres(wb, lines, styles)
    _feuille_definitions(wb, [c for _, t in feuilles for c in t.colonnes], styles)
    wb.close()
    return buf.getvalue()


NOTE_PRECISION = ("Les valeurs sont exportées sans arrondi. À l'écran, elles sont arrondies au plus proche, "
                  "la moitié en s'éloignant de zéro (170,85 se lit 170,9), à la précision affichée : l'unité "
                  "pour les effectifs et les euros, un dixième pour les ETP, un dixième de point pour les taux "
                  "(93,37 % se lit 93,4 %). Une somme de valeurs arrondies peut donc différer d'un dixième du "
                  "total affiché.")

_SANS_ARRONDI = " à l'écran ; ici sans arrondi"
PRECISION = {"nombre": "à l'unité" + _SANS_ARRONDI, "euros": "à l'euro" + _SANS_ARRONDI,
             "etp": "au dixième (170,85 se lit 170,9)" + _SANS_ARRONDI, "decimal": "au dixième" + _SANS_ARRONDI,
             "pourcentage": "au dixième de point (93,37 % se lit 93,4 %)" + _SANS_ARRONDI}

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
