"""The data contract (docs/CONTRACT.md) in its one Python home, at the bottom of the layering.

Templates, columns, types, rules, code lists and their French labels, and the numbers the
indicators are defined with (constants.py), live here only. The
pandera schemas (loaders/validate.py), the raw and reference tables (warehouse/build.py),
the Excel templates and the UI labels are all derived from it. This package imports nothing
of the project: contract <- loaders, warehouse <- ui <- pages, app.py.
"""

from contract.codes import (
    BOOL, CODE, CODE_ALIASES, CODE_LISTS, CODES, COMMUNES_REUNION, DATE, DEC, DERIVED_LISTS,
    DYNAMIC_EXIT_CATEGORIES, INT, MOTIF_CATEGORIES, MOTIF_CATEGORY_LABELS, OPEN_CODE_LISTS,
    SQL_TYPES, SUPERVISION_FUNCTIONS, TEXT,
)
from contract.constants import AGE_JEUNES, AGE_SENIORS, CONSTANTES, HEURES_ANNUELLES_ETP, HEURES_HEBDO_TEMPS_PLEIN
from contract.templates import (
    LOAD_ORDER, REPORT_COLUMNS, RETURN_TEMPLATES, TEMPLATES, Column, Template, code_label,
)

__all__ = [
    "BOOL", "CODE", "CODE_ALIASES", "CODE_LISTS", "CODES", "COMMUNES_REUNION", "DATE", "DEC",
    "DERIVED_LISTS", "DYNAMIC_EXIT_CATEGORIES", "INT", "MOTIF_CATEGORIES", "MOTIF_CATEGORY_LABELS",
    "OPEN_CODE_LISTS", "SQL_TYPES", "SUPERVISION_FUNCTIONS", "TEXT",
    "AGE_JEUNES", "AGE_SENIORS", "CONSTANTES", "HEURES_ANNUELLES_ETP", "HEURES_HEBDO_TEMPS_PLEIN",
    "LOAD_ORDER", "REPORT_COLUMNS", "RETURN_TEMPLATES", "TEMPLATES", "Column", "Template", "code_label",
]
