"""Excel return templates, made from the contract: hard to fill wrong, loadable as they are.

One sheet per template with French headers (each with a note saying what to write),
drop-down lists for code columns, date and number validation; a "Mode d'emploi" sheet
with an example row per template, and a "Listes" sheet with the codes and their labels.
A pre-filled workbook for one SIAE and year carries its identity and the people still
present at the end of the previous year.
"""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from contract import BOOL, CODE, CODE_LISTS, CODES, DATE, DEC, INT, OPEN_CODE_LISTS, TEMPLATES
from loaders.objectifs import INDICATEURS
from loaders.read import READING_AIDS
from warehouse.scope import SCOPE_AGREGATS, SCOPE_PERSONNES, Filters, Scope, params, run

# The templates a structure fills (the register and the reference are kept by the State office).
STRUCTURE_TEMPLATES = ("structure", "salaries_insertion", "personnel_permanent", "finances")
_ROWS = 2000  # rows covered by validation: far above a structure's yearly headcount

EXAMPLES: dict[str, dict[str, object]] = {
    "structure": {"annee": 2025, "siret": "73282932000074", "statut_juridique": "ASSOCIATION", "code_ape": "8899B",
                  "activite_principale": "Entretien des espaces verts", "commune_insee": "97411",
                  "part_ca_particuliers": 10, "part_ca_entreprises": 30, "part_ca_associations": 0,
                  "part_ca_collectivites": 60, "formation_salaries": "oui"},
    "salaries_insertion": {"annee": 2025, "siret": "73282932000074", "identifiant": "S0042", "sexe": "F",
                           "annee_naissance": 1988, "orientation": "FRANCE_TRAVAIL", "statut_entree": "RSA",
                           "type_contrat": "CDDI", "heures_hebdo_contrat": 26, "heures_travaillees": 1040.5,
                           "difficultes": "LOGEMENT, MOBILITE", "date_entree": dt.date(2024, 9, 2),
                           "date_sortie": dt.date(2025, 6, 30), "motif_sortie": "CDD_6_MOIS_PLUS"},
    "personnel_permanent": {"annee": 2025, "siret": "73282932000074", "identifiant": "P01", "sexe": "M",
                            "statut": "CDI", "fonction": "ENCADRANT_TECHNIQUE", "heures_hebdo": 35,
                            "niveau_diplome": 4, "date_entree": dt.date(2019, 3, 1), "formation_suivie": "oui"},
    "finances": {"annee": 2025, "siret": "73282932000074", "chiffre_affaires": 185000, "aides_etat": 240000,
                 "aides_departement": 35000, "fse": 12000, "fonds_propres": 42000, "resultat_net": 3500,
                 "total_charges": 470000},
    "conventions": {"annee": 2025, "siret": "73282932000074", "raison_sociale": "Association Rivière Verte",
                    "type_siae": "ACI", "commune_insee": "97411", "etp_conventionnes": 12.5},
    "communes": {"commune_insee": "97411", "nom": "Saint-Denis", "bassin": "NORD"},
    "demande_territoire": {"annee": 2025, "commune_insee": "97411", "demandeurs_emploi": 21450,
                           "demandeurs_longue_duree": 11200, "beneficiaires_rsa": 15800, "jeunes_moins_26": 2950,
                           "population_15_64": 99800},
    "objectifs": {"annee": 2025, "bassin": "SUD", "type_siae": "TOUS",
                  "axe": "Axe 1 : renforcer la coopération entre les acteurs de l'IAE",
                  "action": "Accompagnement vers l'emploi", "objectif": "Six sorties dynamiques sur dix",
                  "indicateur": "Taux de sortie dynamique", "cible": 0.6, "sens": "AU_MOINS", "pilote": "CTA Sud",
                  "echeance": dt.date(2025, 12, 31)},
}

# Drop-downs beyond the code lists: a code list with `TOUS`, and the computed indicators an
# objective may name, by their label (the cell may also hold a hand-measured indicator's label).
INDICATEUR = "INDICATEUR"
LISTS: dict[str, dict[str, str]] = {
    **CODE_LISTS,
    **{f"{c.codes}_OU_TOUS": {**CODE_LISTS[c.codes], **{e: "Tous" for e in c.extra_codes}}
       for t in TEMPLATES.values() for c in t.columns if c.extra_codes},
    INDICATEUR: {label: name for name, label in INDICATEURS.items()},
}


def _list_name(col) -> str | None:
    if col.name == "indicateur":
        return INDICATEUR
    if col.type == CODE:
        return f"{col.codes}_OU_TOUS" if col.extra_codes else col.codes
    return None


def _note(col) -> str:
    parts = [col.label + (" (obligatoire)" if col.required else " (facultatif)")]
    if col.help:
        parts.append(col.help)
    if col.type in (CODE, CODES) and col.codes not in OPEN_CODE_LISTS:
        codes = ", ".join([*CODE_LISTS[col.codes], *col.extra_codes])
        parts.append(("Un ou plusieurs codes séparés par des virgules : " if col.type == CODES else "Code : ") + codes)
    if col.type == DATE:
        parts.append("Date au format JJ/MM/AAAA.")
    if col.type == BOOL:
        parts.append("oui ou non.")
    return "\n".join(parts)


class _Book:
    def __init__(self, buf: io.BytesIO):
        self.wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        self.header = self.wb.add_format({"bold": True, "bg_color": "#E3E3FD", "border": 1, "text_wrap": True,
                                          "valign": "top"})
        self.date = self.wb.add_format({"num_format": "dd/mm/yyyy"})
        self.bold = self.wb.add_format({"bold": True})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        # Drop-downs point at the "Listes" sheet: code in column 2j, its label beside it.
        self.list_ranges = {
            name: f"=Listes!${xl_col_to_name(2 * j)}$2:${xl_col_to_name(2 * j)}${len(codes) + 1}"
            for j, (name, codes) in enumerate(LISTS.items())
        }

    def lists_sheet(self) -> None:
        ws = self.wb.add_worksheet("Listes")
        for j, (name, codes) in enumerate(LISTS.items()):
            ws.write(0, 2 * j, name, self.bold)
            ws.write(0, 2 * j + 1, "Libellé", self.bold)
            for i, (code, label) in enumerate(codes.items(), start=1):
                ws.write_string(i, 2 * j, code)
                ws.write_string(i, 2 * j + 1, label)
            ws.set_column(2 * j, 2 * j + 1, 22)

    def instructions(self, templates: tuple[str, ...], lines: list[tuple[str, object]] | None = None) -> None:
        ws = self.wb.add_worksheet("Mode d'emploi")
        ws.set_column(0, 0, 28)
        ws.set_column(1, 30, 18)
        lines = [(text, self.bold if fmt == "gras" else self.title if fmt == "titre" else None)
                 for text, fmt in lines] if lines else [
            ("Retour annuel des SIAE — mode d'emploi", self.title),
            ("Remplissez une feuille par modèle, une ligne par structure, contrat ou personne, à partir de la ligne 2.",
             None),
            ("Ne modifiez pas les en-têtes. Survolez un en-tête pour lire sa définition. Les listes déroulantes "
             "donnent les codes admis (détail dans la feuille « Listes »).", None),
            ("Identifiants : numéro d'agrément ou code interne, jamais le nom d'une personne.", None),
            ("Le fichier est refusé en entier s'il contient une erreur ; le rapport indique la ligne et la colonne "
             "à corriger.", None),
        ]
        row = 0
        for text, fmt in lines:
            ws.write(row, 0, text, fmt)
            row += 1
        for name in templates:
            t = TEMPLATES[name]
            row += 1
            ws.write(row, 0, f"Exemple — feuille « {name} » ({t.description})", self.bold)
            row += 1
            example = EXAMPLES[name]
            for j, col in enumerate(t.columns):
                ws.write(row, j, col.label, self.header)
                self._write(ws, row + 1, j, col, example.get(col.name))
            row += 2
        ws.activate()

    def _write(self, ws, row: int, j: int, col, value) -> None:
        if value is None or value == "":
            return
        if col.type == DATE and isinstance(value, (dt.date, dt.datetime)):
            ws.write_datetime(row, j, dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date)
                              and not isinstance(value, dt.datetime) else value, self.date)
        elif col.type == BOOL and isinstance(value, bool):
            ws.write_string(row, j, "oui" if value else "non")
        elif col.type in (INT, DEC) and isinstance(value, (int, float)):
            ws.write_number(row, j, value)
        elif col.type == CODES and isinstance(value, (list, tuple)):
            ws.write_string(row, j, ", ".join(value))
        else:
            ws.write_string(row, j, str(value))

    def data_sheet(self, name: str, rows: list[dict] | None = None, aid: tuple[str, str, str] | None = None,
                   sources: dict[str, str] | None = None) -> None:
        """`aid`: (key in rows, header, note) of a last column for the reader only, which the
        loader reads past (loaders.read.READING_AIDS), such as the commune's name; `sources`:
        where a column's figure comes from, added to its note."""
        t = TEMPLATES[name]
        ws = self.wb.add_worksheet(name)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 45)
        for j, col in enumerate(t.columns):
            ws.write(0, j, col.label, self.header)
            note = _note(col) + ("\n" + sources[col.name] if sources and col.name in sources else "")
            ws.write_comment(0, j, note, {"x_scale": 2, "y_scale": 2})
            ws.set_column(j, j, max(14, min(30, len(col.label) + 4)), self.date if col.type == DATE else None)
            self._validation(ws, j, col)
        for i, r in enumerate(rows or [], start=1):
            for j, col in enumerate(t.columns):
                self._write(ws, i, j, col, r.get(col.name))
        if aid:
            key, header, note = aid
            j = len(t.columns)
            ws.write(0, j, header, self.header)
            ws.write_comment(0, j, note, {"x_scale": 2, "y_scale": 1})
            ws.set_column(j, j, 28)
            for i, r in enumerate(rows or [], start=1):
                ws.write_string(i, j, str(r.get(key) or ""))

    def _validation(self, ws, j: int, col) -> None:
        rng = (1, j, _ROWS, j)
        message = {"error_title": col.label, "input_title": col.label[:32]}
        name = _list_name(col)
        if name == INDICATEUR or (col.type == CODE and col.codes in OPEN_CODE_LISTS and col.extra_codes):
            # Suggestions only: a hand-measured indicator, another department's basin are accepted.
            ws.data_validation(*rng, {"validate": "list", "source": self.list_ranges[name], "error_type": "information",
                                      "error_message": "Valeur hors de la liste : vérifiez-la.", **message})
        elif col.type == CODE and name in self.list_ranges and col.codes not in OPEN_CODE_LISTS:
            ws.data_validation(*rng, {"validate": "list", "source": self.list_ranges[name],
                                      "error_message": "Choisissez un code de la liste.", **message})
        elif col.type == BOOL:
            ws.data_validation(*rng, {"validate": "list", "source": ["oui", "non"], **message})
        elif col.type == DATE:
            ws.data_validation(*rng, {"validate": "date", "criteria": "between",
                                      "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2100, 12, 31),
                                      "error_message": "Date attendue (JJ/MM/AAAA).", **message})
        elif col.type in (INT, DEC) and (col.min is not None or col.max is not None):
            kind = "integer" if col.type == INT else "decimal"
            lo = col.min if col.min is not None else -1e15
            hi = col.max if col.max is not None else 1e15
            ws.data_validation(*rng, {"validate": kind, "criteria": "between", "minimum": lo, "maximum": hi,
                                      "error_message": f"Nombre attendu entre {lo:g} et {hi:g}.", **message})

    def close(self) -> None:
        self.wb.close()


def blank_workbook(templates: tuple[str, ...] = STRUCTURE_TEMPLATES) -> bytes:
    """The empty return workbook, as bytes ready to download."""
    return prefilled_workbook({}, templates)


def prefilled_workbook(rows: dict[str, list[dict]], templates: tuple[str, ...] = STRUCTURE_TEMPLATES) -> bytes:
    """The return workbook with rows already written in (identity, people still present)."""
    buf = io.BytesIO()
    book = _Book(buf)
    book.instructions(templates)
    for name in templates:
        book.data_sheet(name, rows.get(name))
    book.lists_sheet()
    book.close()
    return buf.getvalue()


# Where the officer finds each figure of the demand workbook (docs/CONTRACT.md, demande_territoire).
SOURCES_DEMANDE = {
    "demandeurs_emploi": "Source : France Travail, demandeurs d'emploi en fin de mois (DEFM) des catégories A, B, C "
                         "au 31/12, par commune (publication trimestrielle).",
    "demandeurs_longue_duree": "Source : France Travail, même publication : dont inscrits depuis 12 mois ou plus.",
    "beneficiaires_rsa": "Source : CAF, foyers allocataires du RSA au 31/12, par commune.",
    "jeunes_moins_26": "Source : France Travail, même publication : demandeurs A, B, C de moins de 26 ans.",
    "population_15_64": "Source : INSEE, recensement de la population, population de 15 à 64 ans par commune.",
}


def demande_workbook(communes: list[dict], annee: int) -> bytes:
    """« Demande d'insertion par commune » for `annee`: one row per commune of the reference
    (`communes`: commune_insee, nom), year and code written in, the figures to type."""
    buf = io.BytesIO()
    book = _Book(buf)
    lines: list[tuple[str, object]] = [
        (f"Demande d'insertion par commune — chiffres de {annee}", "titre"),
        ("Tenu par la DDETS : une ligne par commune du référentiel, déjà écrite (année, code INSEE ; le nom est "
         "un repère, non chargé). Tapez les chiffres, sans décimale ; une case inconnue reste vide.", None),
        ("Une commune laissée sans chiffre n'est pas chargée : ses chiffres déjà dans l'entrepôt ne changent pas. "
         "Une commune chiffrée remplace sa ligne de l'année (la précédente reste récupérable).", None),
        ("Chargez le classeur dans la page « Importer des retours » ou avec python -m loaders load.", None),
        ("", None),
        ("Où trouver chaque chiffre", "gras"),
        *((f"{TEMPLATES['demande_territoire'].column(c).label} — {source}", None)
          for c, source in SOURCES_DEMANDE.items()),
    ]
    book.instructions(("demande_territoire",), lines)
    # The name column is the loader's READING_AIDS: read past, no warning.
    rows = [{"annee": annee, "commune_insee": c["commune_insee"], "nom_commune": c["nom"]} for c in communes]
    book.data_sheet("demande_territoire", rows, sources=SOURCES_DEMANDE,
                    aid=("nom_commune", "Nom de la commune (repère)", "Pour se repérer : cette colonne n'est pas "
                                                                      "chargée."))
    book.close()
    return buf.getvalue()


def demande_communes(con, scope: Scope) -> list[dict]:
    """The communes of the reference, for the demand workbook (public reference data)."""
    return run(con, f"select commune_insee, nom from stg_communes where {SCOPE_AGREGATS} order by commune_insee",
               **params(Filters(), scope)).to_dicts()


# What carries over from last year into a pre-filled return, per template.
_CARRIED = {
    "structure": ("statut_juridique", "code_ape", "activite_principale", "autres_activites", "commune_insee",
                  "reseau"),
    "salaries_insertion": ("identifiant", "sexe", "annee_naissance", "orientation", "statut_entree", "date_agrement",
                           "type_contrat", "heures_hebdo_contrat", "commune_travail", "difficultes", "actions",
                           "accompagnement_social", "partenaires", "date_entree"),
    "personnel_permanent": ("identifiant", "sexe", "annee_naissance", "statut", "benevole_indemnise", "fonction",
                            "heures_hebdo", "niveau_diplome", "date_entree"),
}


def prefill_rows(con, siret: str, annee: int, scope: Scope) -> dict[str, list[dict]]:
    """Rows to pre-fill a SIAE's return for `annee`: its identity, and the people present on
    31/12 of the previous year (still to be completed: hours worked, exits).

    Only for who may see the SIAE's people (`scope`: the State, or the structure itself);
    anyone else gets the rows of a blank return (year and SIRET)."""
    rows: dict[str, list[dict]] = {}
    for name, cols in _CARRIED.items():
        still_there = "" if name == "structure" else (
            " and (date_sortie is null or date_sortie > make_date($annee - 1, 12, 31))")
        frame = run(con, f"select {', '.join(cols)} from stg_{name} where siret = $siret and annee = $annee - 1"
                         f" and {SCOPE_PERSONNES}{still_there} order by all",
                    **params(Filters(annee=annee), scope), siret=siret)
        rows[name] = [{"annee": annee, "siret": siret, **r} for r in frame.to_dicts()]
    if not rows["structure"]:
        rows["structure"] = [{"annee": annee, "siret": siret}]
    rows["finances"] = [{"annee": annee, "siret": siret}]
    return rows
