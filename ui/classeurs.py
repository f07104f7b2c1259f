"""The return workbooks of « Modèles de retour » (loaders.template builds them): blank, the
register of agreements, and one SIAE's pre-filled return, within the user's scope."""

from __future__ import annotations

from loaders.template import blank_workbook, prefill_rows, prefilled_workbook
from ui import data


def classeur_vierge() -> bytes:
    """The blank return workbook a structure fills (loaders.template)."""
    return blank_workbook()


def classeur_registre() -> bytes:
    """The register of agreements and the communes reference, kept by the State office."""
    return blank_workbook(("conventions", "communes"))


def classeur_plan() -> bytes:
    """The action plan template (objectifs), kept by the State office for the committees."""
    return blank_workbook(("objectifs",))


def classeur_prerempli(siret: str, annee: int) -> bytes:
    """The return workbook of one SIAE for `annee`, with its identity and the people present
    on 31/12 of the year before (built when the user clicks)."""
    with data.curseur() as cur:
        return prefilled_workbook(prefill_rows(cur, siret, annee, data.scope_courant()))
