"""The numbers the indicators are defined with (docs/CONTRACT.md, section 4), each with its source.

They reach SQL through the one-row table `ref_constantes` (warehouse/build.py): a view reads
them with an import CTE (`constantes as (select * from ref_constantes)`) and a cross join, so
a number is written here only. The catalogue's definitions quote them too.
"""

from __future__ import annotations

# Hours of one full-time year: (365 days - 104 weekend days - 25 days of paid leave - 8 public
# holidays) = 228 days x 7 h = 1596 h, rounded to 1600 h, plus the 7 h of the "journée de
# solidarité" (loi n° 2004-626 du 30 juin 2004) = 1607 h; Code du travail art. L3121-27 (35 h a
# week) and L3121-41 (1607 h a year). etp_insertion = heures_travaillees / HEURES_ANNUELLES_ETP.
HEURES_ANNUELLES_ETP = 1607

# The legal working week, Code du travail art. L3121-27: a permanent working more counts 1 FTE.
HEURES_HEBDO_TEMPS_PLEIN = 35

# Age bands of the public, by age at entry (year of entry - year of birth), as in the public
# statistics on job seekers (DARES, France Travail): "moins de 26 ans" and "50 ans et plus".
# Under AGE_JEUNES: MOINS_26; from AGE_SENIORS on: 50_PLUS; between: 26_49.
AGE_JEUNES = 26
AGE_SENIORS = 50

# Column of ref_constantes -> (value, what it is), in the table's order.
CONSTANTES: dict[str, tuple[int, str]] = {
    "heures_annuelles_etp": (HEURES_ANNUELLES_ETP, "heures d'un ETP sur l'année (Code du travail, art. L3121-41)"),
    "heures_hebdo_temps_plein": (HEURES_HEBDO_TEMPS_PLEIN, "durée légale du travail par semaine (art. L3121-27)"),
    "age_jeunes": (AGE_JEUNES, "âge à l'entrée à partir duquel on n'est plus compté parmi les jeunes"),
    "age_seniors": (AGE_SENIORS, "âge à l'entrée à partir duquel on est compté parmi les seniors"),
}
