"""`python -m warehouse pack`: the committee packs written to a folder (docs/CONTRACT.md
section 5), one workbook and one PDF per territory, each noted in the audit log as an export.

The command runs as a State officer (every figure) unless `--diffusion` asks for the pack
as a committee of that basin would see it: rows about one SIAE of that basin only, every
aggregate under statistical secrecy.
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

from documents import comite, comite_pdf
from warehouse import audit, queries
from warehouse.db import WarehouseError, connect_read
from warehouse.scope import Filters, Scope

AIDE_BASSIN = ("bassin (code du référentiel des communes, par exemple SUD) ou TOUS pour le département ; "
               "à répéter pour plusieurs dossiers d'un coup. Les quatre bassins et le département : "
               "--bassin NORD --bassin EST --bassin OUEST --bassin SUD --bassin TOUS")
AIDE_DIFFUSION = ("dossier pour diffusion : secret statistique appliqué comme pour un comité (une valeur qui "
                  "permettrait de reconnaître une personne ou une structure est masquée) ; sans cette option, "
                  "le dossier est celui d'un agent de l'État (toutes les valeurs)")


def scope_pour(bassin: str, diffusion: bool) -> Scope:
    """An officer's scope, or with `diffusion` the scope of a committee of `bassin`."""
    if not diffusion:
        return Scope.admin()
    return Scope(bassins=None if bassin == comite.TOUS else (bassin,), secret_statistique=True, personnes=False)


def verifier(link: Path, bassins: list[str], annee: int, depuis: date | None) -> str | None:
    """What is wrong with the request, in French, or None."""
    con = connect_read(link)
    try:
        connus = queries.bassins(con, Filters(), Scope.admin())["bassin"].to_list()
        annees = queries.annees(con, Filters(), Scope.admin())["annee"].to_list()
    finally:
        con.close()
    inconnus = [b for b in bassins if b not in connus and b != comite.TOUS]
    if inconnus:
        return (f"bassin inconnu : {', '.join(inconnus)} (bassins de l'entrepôt : {', '.join(connus)}, "
                f"ou {comite.TOUS} pour le département)")
    if annee not in annees:
        return (f"aucune SIAE conventionnée en {annee} dans l'entrepôt (années chargées : "
                f"{', '.join(map(str, annees)) or 'aucune'})")
    if depuis is not None and depuis > date.today():
        return f"la date du dernier comité ({depuis:%d/%m/%Y}) est dans le futur"
    return None


def ecrire(link: Path, bassin: str, annee: int, out: Path, *, scope: Scope, depuis: date | None = None,
           utilisateur: str | None = None) -> list[Path]:
    """Write DIR/comite_<bassin>_<annee>.xlsx and .pdf; return their paths."""
    con = connect_read(link)
    try:
        d = comite.lire(con, link, bassin, annee, scope, depuis)
    finally:
        con.close()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, build in (("xlsx", comite.xlsx), ("pdf", comite_pdf.pdf)):
        path = out / comite.nom_fichier(bassin, annee, ext)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(build(d))
        tmp.replace(path)  # never a half-written file under the final name
        paths.append(path)
        audit.record(link, "export", utilisateur or getpass.getuser(), fichier=path.name,
                     lignes=d.structures.height, **{"secret statistique": "oui" if scope.secret_statistique else "non"})
    return paths


def lancer(link: Path, bassins: list[str], annee: int, out: Path, depuis: date | None, diffusion: bool) -> None:
    for bassin in dict.fromkeys(bassins):
        try:
            paths = ecrire(link, bassin, annee, out, scope=scope_pour(bassin, diffusion), depuis=depuis)
        except OSError as exc:
            raise WarehouseError(f"impossible d'écrire dans {out} : {exc.strerror}") from exc
        print(f"{comite.libelle_territoire(bassin)} : " + ", ".join(str(p) for p in paths))
