"""Command line: `python -m warehouse init|versions|restore|prune|erase|retention|audit-secret|pack [--db PATH]`."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb

from warehouse import audit, build, conservation, settings
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


def prune(link, dry_run: bool) -> None:
    if not list_versions(link):
        raise WarehouseError(f"aucune version à {link}")
    policy = settings.conservation_versions()
    done = conservation.prune(link, policy, dry_run=dry_run)
    print("\n".join(conservation.rapport(done, policy, dry_run)))


def _jour(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : {text!r}")


def pack(parser, link, args) -> int:
    # The pack's PDF and workbook are built by documents/ (above ui/ in the layering): this
    # entry point reaches up to it because docs/CONTRACT.md names the command `python -m
    # warehouse pack`; nothing else in warehouse/ imports documents or ui.
    from documents import pack as dossiers

    if not exists(link):
        raise WarehouseError(f"Aucun entrepôt de données à {link} : lancez `python -m warehouse init`.")
    bassins = [b.strip().upper() for b in args.bassin]
    probleme = dossiers.verifier(link, bassins, args.annee, args.depuis)
    if probleme:
        parser.error(probleme)
    dossiers.lancer(link, bassins, args.annee, Path(args.out), args.depuis, args.diffusion)
    return 0


def audit_secret(link, annees: list[int] | None) -> int:
    """Print, year by year, the cells hidden and any a reader could narrow below its
    protection interval; exit 1 if there is one."""
    from warehouse import publication, secret_audit

    con = connect_read(link)
    try:
        years = annees or [r[0] for r in con.sql("select distinct annee from indicateurs_siae order by 1").fetchall()]
        conf = settings.load()
        exposed = 0
        for y in years:
            pub = publication.publication(con, y)
            cells = pub.cellules
            secret = cells.filter(cells["raison"].is_not_null())
            confidential = secret.filter(secret["raison"] != publication.secrecy.REASON_SECONDARY).height
            contrib = publication.contributions(con, y)
            found = secret_audit.exposees(cells, contrib, conf, comites=publication.comites())
            exposed += found.height
            readers = len(secret_audit.lecteurs(contrib, comites=publication.comites()))
            print(f"{y} : {cells.height} cases publiables, {confidential} confidentielles et "
                  f"{secret.height - confidential} masquées pour les protéger ; {readers} lecteurs vérifiés "
                  f"(public, comités, structures) : {found.height} case(s) exposée(s).")
            for r in found.iter_rows(named=True):
                print(f"  EXPOSÉE pour {r['lecteur']} : {r['famille']} {r['bassin']} {r['type_siae']} "
                      f"{r['modalite']} = {r['valeur']:g}, déductible entre {r['min']:g} et {r['max']:g}")
    finally:
        con.close()
    print("Secret statistique vérifié : aucune case exposée." if not exposed else
          f"{exposed} case(s) exposée(s) : ne diffusez pas ces tableaux et signalez-le.")
    return 1 if exposed else 0


def main(argv=None) -> int:
    parser = FrenchParser(prog="python -m warehouse", description="Créer, lister et restaurer l'entrepôt.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="commande")
    sub.add_parser("init", help="créer ou mettre à jour l'entrepôt et ses vues")
    sub.add_parser("versions", help="lister les versions conservées")
    r = sub.add_parser("restore", help="remettre en service une version antérieure")
    r.add_argument("number", type=int, metavar="NUMERO")
    pr = sub.add_parser("prune", help="supprimer les versions que la politique de conservation ne garde pas "
                                      "(config/observatoire.toml, [versions])")
    pr.add_argument("--dry-run", action="store_true", help="dire ce qui serait gardé et supprimé, sans rien supprimer")
    e = sub.add_parser("erase", help="effacer une personne partout (toutes versions comprises)")
    e.add_argument("--siret", required=True)
    e.add_argument("--identifiant", required=True)
    sub.add_parser("retention", help="effacer les données individuelles plus anciennes que la durée de "
                                     "conservation (config/observatoire.toml)")
    pk = sub.add_parser("pack", help="écrire le dossier de comité d'un bassin (classeur Excel et PDF)",
                        description="Écrit DOSSIER/comite_<bassin>_<annee>.xlsx et .pdf : chiffres clés, graphiques, "
                                    "structures, points d'attention et ce qui a changé depuis le dernier comité.")
    pk.add_argument("--bassin", required=True, action="append", metavar="BASSIN",
                    help="bassin (par exemple SUD) ou TOUS pour le département ; à répéter pour plusieurs dossiers "
                         "d'un coup. Les quatre bassins et le département : --bassin NORD --bassin EST "
                         "--bassin OUEST --bassin SUD --bassin TOUS")
    pk.add_argument("--annee", required=True, type=int, metavar="ANNEE")
    pk.add_argument("--depuis", type=_jour, metavar="AAAA-MM-JJ",
                    help="date du dernier comité : ce qui a changé depuis (retours arrivés ou corrigés, indicateurs)")
    pk.add_argument("--out", required=True, metavar="DOSSIER", help="dossier où écrire les fichiers")
    pk.add_argument("--diffusion", action="store_true",
                    help="dossier pour diffusion : secret statistique appliqué comme pour un comité ; sans cette "
                         "option, le dossier est celui d'un agent de l'État (toutes les valeurs)")
    a = sub.add_parser("audit-secret", help="vérifier que le secret statistique tient : pour chaque case "
                                            "masquée, ce qu'un comité, une structure ou le public peut en déduire")
    a.add_argument("--annee", type=int, action="append", help="année à vérifier (toutes par défaut ; répétable)")
    for p in sub.choices.values():
        p.add_argument("--db", help="chemin de l'entrepôt (défaut : warehouse/iae.duckdb ou $IAE_DB)")
    args = parser.parse_args(argv)
    link = db_path(args.db)
    if args.command == "pack":
        return pack(parser, link, args)
    if args.command == "init":
        init(link)
    elif args.command == "versions":
        versions(link)
    elif args.command == "erase":
        done = erase_person(link, args.siret, args.identifiant)
        audit.record(link, "effacement", getpass.getuser(), siret=args.siret, lignes=done.rows)
        print(f"{done.rows} ligne(s) effacée(s) dans la version en service ; {done.versions} version(s) "
              "réécrite(s) sans cette personne.")
    elif args.command == "prune":
        prune(link, args.dry_run)
    elif args.command == "audit-secret":
        return audit_secret(link, args.annee)
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
