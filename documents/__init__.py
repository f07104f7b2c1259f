"""Printable documents built on the server, without a browser: PDF pages (fpdf2) with charts
rendered to images (vl-convert). `pdf.py` is the A4 frame every document shares (fonts,
French typography, footer with sources, date and page numbers); `fiche_dialogue.py` is the
sheet of the yearly management dialogue. The committee pack (docs/CONTRACT.md section 5)
is meant to reuse `pdf.py`.

Layering: above ui (it reads ui.format, ui.labels and the chart builders, never calls
Streamlit); pages call it from a download button.
"""
