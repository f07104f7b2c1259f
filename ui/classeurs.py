"""The return workbooks of « Modèles de retour » (loaders.template builds them): blank, the
register of agreements, the demand figures by commune, and one SIAE's pre-filled return,
within the user's scope."""

from __future__ import annotations

import datetime as dt

from contract import COMMUNES_REUNION
from loaders.template import blank_workbook, demande_communes, demande_workbook, prefill_rows, prefilled_workbook
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


def classeur_demande(annee: int) -> bytes:
    """« Demande d'insertion par commune » for `annee`, one row per commune of the warehouse's
    reference (La Réunion's default one before any warehouse exists)."""
    if data.version() is None:
        return demande_workbook([{"commune_insee": c, "nom": n} for c, n, _ in COMMUNES_REUNION], annee)
    with data.curseur() as cur:
        return demande_workbook(demande_communes(cur, data.scope_courant()), annee)


def annees_demande(annee_filtre: int | None) -> list[int]:
    """Years offered for the demand workbook, the filters' year first (else last year's 31/12)."""
    courante = dt.date.today().year
    premiere = annee_filtre or courante - 1
    return [premiere, *(a for a in range(courante, courante - 6, -1) if a != premiere)]
