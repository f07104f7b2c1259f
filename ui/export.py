"""Exports of a table as shown: CSV for French Excel and XLSX with number formats.

Headers are the catalogue's French labels; numbers keep their value (not the on-screen
text) so Excel can compute with them. CSV: ";" separator, UTF-8 with BOM (French Excel
then reads accents right), decimal comma, percentages as 42,5 under a header ending in
"(%)". XLSX: percentages as fractions with a % format, euros with a € format, a sheet with
the filters of the export and one with the definitions of its indicators.
Files are built when the user clicks (st.download_button(data=callable)).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
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

    def titre_colonne(self, col: str) -> str:
        return dict(self.titres).get(col) or labels.colonne(col)

    def unite(self, col: str) -> str:
        return dict(self.unites).get(col) or labels.unite(col)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "x"


def nom_fichier(t: Table, ext: str) -> str:
    """indicateurs_siae_2025_SUD_ACI.xlsx: what, then which filters."""
    return "_".join([t.nom, *(_slug(s) for s in t.suffixe)]) + f".{ext}"


def codes_en_libelles(df: pl.DataFrame) -> pl.DataFrame:
    """Codes as users read them: basins by label, types by acronym, "TOUS" in words."""
    if "bassin" in df.columns:
        df = df.with_columns(pl.col("bassin").map_elements(labels.bassin, return_dtype=pl.String))
    if "type_siae" in df.columns:
        df = df.with_columns(pl.col("type_siae").map_elements(labels.type_siae, return_dtype=pl.String))
    return df


def csv_bytes(t: Table) -> bytes:
    df = codes_en_libelles(t.df.select(list(t.colonnes)))
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    units = [t.unite(c) for c in t.colonnes]
    w.writerow([t.titre_colonne(c) + (" (%)" if u == "pourcentage" else "") for c, u in zip(t.colonnes, units)])
    for row in df.iter_rows():
        w.writerow([csv_nombre(v, u) if v is not None else "" for v, u in zip(row, units)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(t: Table, *, version: str = "") -> bytes:
    df = codes_en_libelles(t.df.select(list(t.colonnes)))
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True})
    wb.set_properties({"title": t.titre, "author": "Observatoire IAE", "comments": "Export de l'Observatoire IAE"})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EDF7", "border": 1})
    formats = {u: wb.add_format({"num_format": f}) for u, f in EXCEL_FORMAT.items()}
    text = wb.add_format({})

    ws = wb.add_worksheet("Données")
    units = [t.unite(c) for c in t.colonnes]
    for j, (col, unit) in enumerate(zip(t.colonnes, units)):
        ws.write_string(0, j, t.titre_colonne(col), bold)
        width = max([len(t.titre_colonne(col)) * 0.9, 10] + [len(str(v)) for v in df[col].head(200).to_list()])
        ws.set_column(j, j, min(width + 2, 48), formats.get(unit, text))
    for i, row in enumerate(df.iter_rows(), start=1):
        for j, (v, unit) in enumerate(zip(row, units)):
            if v is None:
                continue  # an empty cell: unknown, never 0
            if unit == "booleen" or isinstance(v, bool):
                ws.write_string(i, j, "oui" if v else "non")
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v, formats.get(unit, text))
            else:
                ws.write_string(i, j, str(v))
    ws.freeze_panes(1, 0)
    if df.height:
        ws.autofilter(0, 0, df.height, len(t.colonnes) - 1)

    info = wb.add_worksheet("Filtres")
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 90)
    lines = [("Export", t.titre), *t.filtres,
             ("Date de l'export", datetime.now().strftime("%d/%m/%Y %H:%M")),
             ("Lignes", str(df.height)),
             ("Cellule vide", "valeur inconnue : retour non reçu, ou rapport dont le dénominateur est nul")]
    if version:
        lines.append(("Version de l'entrepôt", version))
    for i, (k, v) in enumerate(lines):
        info.write_string(i, 0, k, bold)
        info.write_string(i, 1, v)

    defs = [c for c in t.colonnes if c in catalogue.INDICATORS]
    if defs:
        ds = wb.add_worksheet("Définitions")
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        for j, (h, w) in enumerate([("Indicateur", 30), ("Définition", 70), ("Formule", 50), ("Source", 30)]):
            ds.write_string(0, j, h, bold)
            ds.set_column(j, j, w, wrap)
        for i, col in enumerate(defs, start=1):
            ind = catalogue.INDICATORS[col]
            ds.write_string(i, 0, ind.label)
            ds.write_string(i, 1, ind.definition)
            ds.write_string(i, 2, ind.formula)
            ds.write_string(i, 3, ", ".join(labels.source(s) for s in ind.sources))
        ds.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
