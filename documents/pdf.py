"""The A4 frame of the printable documents: fpdf2 with a Unicode font, French typography,
a footer with sources, date and page numbers, tables, chart images.

fpdf2 (pure Python, small, maintained) writes the PDF; vl-convert renders Vega-Lite charts
to PNG without a browser. Text goes through `typo` so that what the screen writes with
ordinary spaces prints the French way: a no-break space before « : » and inside
« guillemets », a narrow one before « ; ! ? » (numbers come from ui.format already with
narrow no-break spaces).
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import altair as alt
import vl_convert
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos
from PIL import Image

NBSP, NNBSP = "\u00a0", "\u202f"
# DejaVu (Debian's fonts-dejavu-core) has every character French needs, U+202F included; the
# PDF core fonts are Latin-1 only (no "€" width, no narrow no-break space).
POLICES = Path("/usr/share/fonts/truetype/dejavu")
MARGE = 15
GRIS = (90, 90, 90)


def typo(text: str) -> str:
    """French typography: no-break spaces before : and inside « », narrow ones before ; ! ?."""
    text = re.sub(r"«\s*", "«" + NBSP, text)
    text = re.sub(r"\s*»", NBSP + "»", text)
    text = re.sub(r"(?<=\S)\s*:(?=\s|$)", NBSP + ":", text)
    return re.sub(r"(?<=\S)\s*([;!?])(?=\s|$)", NNBSP + r"\1", text)


class Document(FPDF):
    """An A4 document, portrait or landscape (`paysage`); `pied` is the sources line printed at
    the foot of every page."""

    def __init__(self, titre: str, pied: str, *, paysage: bool = False):
        super().__init__(orientation="L" if paysage else "P", unit="mm", format="A4")
        self.titre_document, self.pied = titre, pied
        self.set_title(titre)
        self.set_lang("fr-FR")
        self.set_creator("Observatoire IAE")
        self.set_margins(MARGE, MARGE, MARGE)
        self.set_auto_page_break(True, margin=22)
        if (POLICES / "DejaVuSans.ttf").exists():
            self.add_font("texte", "", str(POLICES / "DejaVuSans.ttf"))
            self.add_font("texte", "B", str(POLICES / "DejaVuSans-Bold.ttf"))
            self.add_font("texte", "I", str(POLICES / "DejaVuSans-Oblique.ttf"))
            self.police = "texte"
        else:  # no Unicode font: Latin-1 core font, narrow spaces printed as ordinary no-break ones
            self.police = "helvetica"
        self.add_page()

    def normalize_text(self, text: str) -> str:
        if self.police == "helvetica":
            text = text.replace(NNBSP, NBSP).replace("€", "EUR").replace("≤", "<=").replace("—", "-")
        return super().normalize_text(text)

    def footer(self) -> None:
        self.set_y(-17)
        self.set_font(self.police, "", 7.5)
        self.set_text_color(*GRIS)
        self.multi_cell(0, 3.5, typo(self.pied), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"Page {self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def titre(self, text: str, taille: float = 16) -> None:
        self.set_font(self.police, "B", taille)
        self.multi_cell(0, taille * 0.5, typo(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def section(self, text: str) -> None:
        if self.will_page_break(30):
            self.add_page()
        self.ln(3)
        self.set_font(self.police, "B", 12)
        self.set_fill_color(230, 236, 245)
        self.cell(0, 7, typo(text), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def texte(self, text: str, taille: float = 9.5, style: str = "", couleur=(0, 0, 0)) -> None:
        self.set_font(self.police, style, taille)
        self.set_text_color(*couleur)
        self.multi_cell(0, taille * 0.48, typo(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=True,
                        align="L")
        self.set_text_color(0, 0, 0)

    def tableau(self, entetes: list[str], lignes: list[list[str]], largeurs: list[float],
                aligner: str = "RIGHT", taille: float = 8.5) -> None:
        """A table; the first column left-aligned, the others `aligner`; the header repeats on a new page."""
        self.set_font(self.police, "", taille)
        with self.table(col_widths=largeurs, text_align=["LEFT"] + [aligner] * (len(entetes) - 1),
                        line_height=taille * 0.5, headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 245)),
                        first_row_as_headings=True,
                        borders_layout="HORIZONTAL_LINES", cell_fill_color=(246, 246, 246),
                        cell_fill_mode="ROWS", padding=1) as t:
            for ligne in [entetes, *lignes]:
                row = t.row()
                for cell in ligne:
                    row.cell(typo(cell))

    def graphique(self, chart: alt.TopLevelMixin, largeur: float, hauteur: float | None = None) -> None:
        """A chart as a PNG image, `largeur` mm wide (rendered at print resolution); with
        `hauteur`, it fits in `largeur` x `hauteur` mm, keeps its proportions and is centred."""
        png = vl_convert.vegalite_to_png(chart.to_dict(), scale=2.5)
        if hauteur is None:
            self.image(io.BytesIO(png), w=largeur)
            return
        w, h = Image.open(io.BytesIO(png)).size
        echelle = min(largeur / w, hauteur / h)
        y = self.get_y()
        self.image(io.BytesIO(png), x=self.l_margin + (largeur - w * echelle) / 2, y=y, w=w * echelle)
        self.set_y(y + h * echelle + 2)

    def graphiques(self, charts: list[alt.TopLevelMixin], par_ligne: int = 2, ecart: float = 8,
                   largeur: float | None = None) -> None:
        """Charts side by side, `par_ligne` to a row across the page's width (or `largeur` mm
        each); a row that would not fit goes whole to the next page."""
        largeur = largeur or (self.epw - ecart * (par_ligne - 1)) / par_ligne
        for start in range(0, len(charts), par_ligne):
            images = []
            for chart in charts[start:start + par_ligne]:
                png = vl_convert.vegalite_to_png(chart.to_dict(), scale=2.5)
                w, h = Image.open(io.BytesIO(png)).size
                images.append((png, largeur * h / w))
            hauteur = max(h for _, h in images)
            if self.will_page_break(hauteur):
                self.add_page()
            y = self.get_y()
            for i, (png, _) in enumerate(images):
                self.image(io.BytesIO(png), x=self.l_margin + i * (largeur + ecart), y=y, w=largeur)
            self.set_y(y + hauteur + 3)

    def champ(self, libelle: str, lignes: int = 3) -> None:
        """A blank field to fill in by hand during the meeting."""
        if self.will_page_break(8 + 7 * lignes):
            self.add_page()
        self.set_font(self.police, "B", 9.5)
        self.cell(0, 6, typo(libelle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(170, 170, 170)
        for _ in range(lignes):
            y = self.get_y() + 7
            self.line(MARGE, y, self.w - MARGE, y)
            self.set_y(y)
        self.set_draw_color(0, 0, 0)
        self.ln(2)

    def octets(self) -> bytes:
        return bytes(self.output())


def aujourdhui() -> str:
    return date.today().strftime("%d/%m/%Y")
