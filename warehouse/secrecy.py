"""Statistical secrecy: the rules' words, in one place.

What a restricted reader (a committee member, a structure, a table to circulate) may see is
computed by warehouse.publication (the year's protected cube), audited by
warehouse.secret_audit (linear programming) and served table by table by
warehouse.diffusion. A hidden cell is NULL with a `_secret_<column>` reason taken from here,
which pages print on hover and exports in their "secret statistique" column.
"""

from __future__ import annotations

TOTAL = "TOUS"

REASON_PERSONS = "secret statistique : moins de {n} personnes"
REASON_STRUCTURES = "secret statistique : moins de {n} structures"
REASON_DOMINANCE = "secret statistique : une structure représente plus de {p} % du montant"
REASON_MEDIANE_PETITE = "secret statistique : médiane sur moins de {n} structures"
REASON_MEDIANE = "secret statistique : un comité connaît toutes les autres structures du groupe sauf une ou deux"
REASON_SECONDARY = "secret statistique : masqué pour qu'une case voisine ne puisse pas être recalculée"
REASON_DERIVED = "secret statistique : calculé à partir d'une case masquée"
