"""Command line: `python -m loaders load FILE_OR_DIR... [--db PATH]` and `python -m loaders seed`.

Exit codes (docs/CONTRACT.md section 5): 0 every file loaded, 1 a file was rejected or held back (it
would replace a person-level return by fewer than half its rows: `--confirmer`), 2 bad usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

from loaders.load import HELD, REJECTED, STATUS_LABELS, FileResult, check_file, expand, load_files
from loaders.report import group, to_csv
from warehouse.cli import FrenchParser, run
from warehouse.db import ROOT, connect_read, db_path, exists

SEED_DIR = ROOT / "seed_data" / "returns"


def _print_result(r: FileResult, out=None) -> None:
    out = out or sys.stdout  # looked up at call time: tests capture it
    if r.status == REJECTED:
        print(f"✗ {r.name} : refusé ({len(r.errors)} problème(s))", file=out)
        for p in group(r.errors):
            print(f"    {p.line()}", file=out)
    elif r.status == HELD:
        print(f"✗ {r.name} : retenu, rien n'est enregistré (confirmation requise)", file=out)
        for p in r.errors:
            print(f"    {p.line()}", file=out)
    else:
        detail = f"{r.rows} ligne(s) ; {r.new} nouveau(x) retour(s), {r.replaced} remplacé(s), {r.unchanged} inchangé(s)"
        print(f"✓ {r.name} : {STATUS_LABELS[r.status]} ({detail})", file=out)
        for rep in r.replacements:
            print(f"    ↻ {rep.sentence()}", file=out)
    for p in group(r.warnings):
        print(f"    ⚠ {p.line()}", file=out)


def _summary(results: list[FileResult], report: str | None, quiet: bool = False) -> int:
    for r in results:
        if not quiet or r.status == REJECTED:
            _print_result(r)
    rejected = [r for r in results if r.status == REJECTED]
    held = [r for r in results if r.status == HELD]
    accepted = len(results) - len(rejected) - len(held)
    print(f"\n{len(results)} fichier(s) : {accepted} accepté(s), {len(rejected)} refusé(s)"
          + (f", {len(held)} retenu(s) : relancez avec --confirmer pour remplacer quand même." if held else "."))
    if report:
        Path(report).write_bytes(to_csv([p for r in results for p in r.problems]))
        print(f"Rapport écrit dans {report}")
    return 1 if rejected or held else 0


def main(argv: list[str] | None = None) -> int:
    parser = FrenchParser(prog="python -m loaders", description="Charger les retours des SIAE dans l'entrepôt.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="commande")
    load = sub.add_parser("load", help="valider et charger des fichiers .csv/.xlsx ou des dossiers")
    load.add_argument("paths", nargs="+", metavar="FICHIER_OU_DOSSIER")
    check = sub.add_parser("check", help="valider des fichiers sans rien charger")
    check.add_argument("paths", nargs="+", metavar="FICHIER_OU_DOSSIER")
    seed = sub.add_parser("seed", help="charger les données de démonstration (seed_data/)")
    for p in (load, check, seed):
        p.add_argument("--db", help="chemin de l'entrepôt (défaut : warehouse/iae.duckdb ou $IAE_DB)")
        p.add_argument("--rapport", metavar="FICHIER.csv", help="écrire le rapport des problèmes en CSV")
        p.add_argument("-q", "--quiet", action="store_true", help="n'afficher que les fichiers refusés et le bilan")
    seed.add_argument("--if-empty", action="store_true",
                      help="ne rien faire si l'entrepôt existe déjà (utilisé par `make run`)")
    for p in (load, seed):
        p.add_argument("--user", help="nom enregistré dans l'historique des chargements")
    load.add_argument("--confirmer", action="store_true",
                      help="remplacer même un retour de personnes par un retour de moins de la moitié de ses lignes "
                           "(sans cette option, un tel fichier est retenu et rien n'en est enregistré)")
    args = parser.parse_args(argv)

    if args.command == "seed":
        if args.if_empty and exists(db_path(args.db)):
            return 0
        args.paths = [str(SEED_DIR)]
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error("introuvable : " + ", ".join(missing))
    if not expand(args.paths):
        parser.error("aucun fichier .csv ou .xlsx trouvé dans : " + ", ".join(args.paths))

    if args.command == "check":
        link = db_path(args.db)
        if exists(link):
            con = connect_read(link)
            communes = {r[0] for r in con.sql("select commune_insee from raw_communes").fetchall()}
            con.close()
        else:
            from contract import COMMUNES_REUNION

            communes = {c[0] for c in COMMUNES_REUNION}
        return _summary([check_file(p, communes)[0] for p in expand(args.paths)], args.rapport, args.quiet)

    return _summary(load_files(args.paths, db_path(args.db), user=args.user,
                               confirmer=getattr(args, "confirmer", False)), args.rapport, args.quiet)


if __name__ == "__main__":
    sys.exit(run(main))
