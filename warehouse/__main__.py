"""Command line: `python -m warehouse init|versions|restore|erase|retention [--db PATH]`."""

from __future__ import annotations

import getpass
import sys
from datetime import date

import duckdb

from warehouse import audit, build, settings
from warehouse.cli import FrenchParser, run
from warehouse.db import WarehouseError, connect_read, db_path, exists, list_versions, new_version, restore
from warehouse.privacy import apply_retention, erase_person


def init(link) -> None:
    if exists(link):
        con = connect_read(link)
        current = build.is_current(con)
        con.close()
        if current:
            print(f"Entrepôt déjà à jour : {link}")
            return
    with new_version(link) as con:
        build.build(con)
    print(f"Entrepôt prêt : {link}")


def versions(link) -> None:
    vs = list_versions(link)
    if not vs:
        raise WarehouseError(f"aucune version à {link}")
    for v in vs:
        con = duckdb.connect(str(v.path), read_only=True)
        try:
            last = con.sql("select max(loaded_at), count(*) from load_log").fetchall()[0]
        finally:
            con.close()
        mark = "*" if v.current else " "
        print(f"{mark} {v.number:>4}  {v.created:%d/%m/%Y %H:%M:%S}  {v.size / 1e6:7.1f} Mo  "
              f"{last[1]} chargement(s) enregistrés")
    print("* = version en service. Restaurer : python -m warehouse restore NUMERO")


def main(argv=None) -> int:
    parser = FrenchParser(prog="python -m warehouse", description="Créer, lister et restaurer l'entrepôt.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="commande")
    sub.add_parser("init", help="créer ou mettre à jour l'entrepôt et ses vues")
    sub.add_parser("versions", help="lister les versions conservées")
    r = sub.add_parser("restore", help="remettre en service une version antérieure")
    r.add_argument("number", type=int, metavar="NUMERO")
    e = sub.add_parser("erase", help="effacer une personne partout (toutes versions comprises)")
    e.add_argument("--siret", required=True)
    e.add_argument("--identifiant", required=True)
    sub.add_parser("retention", help="effacer les données individuelles plus anciennes que la durée de "
                                     "conservation (config/observatoire.toml)")
    for p in sub.choices.values():
        p.add_argument("--db", help="chemin de l'entrepôt (défaut : warehouse/iae.duckdb ou $IAE_DB)")
    args = parser.parse_args(argv)
    link = db_path(args.db)
    if args.command == "init":
        init(link)
    elif args.command == "versions":
        versions(link)
    elif args.command == "erase":
        done = erase_person(link, args.siret, args.identifiant)
        audit.record(link, "effacement", getpass.getuser(), siret=args.siret, lignes=done.rows)
        print(f"{done.rows} ligne(s) effacée(s) dans la version en service ; {done.versions} version(s) "
              "réécrite(s) sans cette personne.")
    elif args.command == "retention":
        keep = settings.load().retention_annees
        done = apply_retention(link, keep, date.today().year)
        audit.record(link, "effacement", getpass.getuser(), conservation_annees=keep, lignes=done.rows)
        print(f"Conservation {keep} ans : {done.rows} ligne(s) individuelle(s) antérieure(s) à "
              f"{date.today().year - keep} effacée(s) ; {done.versions} version(s) réécrite(s).")
    else:
        path = restore(link, args.number)
        audit.record(link, "restauration", getpass.getuser(), version=args.number)
        print(f"Version {args.number} remise en service (nouvelle version {path.name}).")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
