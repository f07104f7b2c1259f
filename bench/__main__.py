"""`python -m bench --scale reunion|region|national`: generate, load, measure, print one table.

See bench/README.md for what each figure means and how it is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

import psutil

from bench import data, peer, queries, sessions, tardifs
from bench.measure import ROOT, OtherLoad, median_time, run_child
from bench.report import Table, duree, memoire, nombre, ratio
from seed_data.generator.profiles import SCALES
from warehouse.db import connect_read

# Targets for the national scale on 2 cores (bench/README.md, "Targets").
CIBLE_DEBIT = 150_000  # rows/s
CIBLE_RSS_CHARGEMENT = 2**30  # issue #18: the full national load under 1 GB
CIBLE_TERRITOIRE = 0.100  # s, one year
CIBLE_PANDAS = 10  # times faster than pandas
CIBLE_PREMIERE_PAGE = 1.5  # s
CIBLE_RELANCE = 0.300  # s, median rerun after a filter change
CIBLE_RSS_APP = 2**30
CIBLE_DOSSIER = 5.0  # s, one basin's committee pack (workbook and PDF) at the seed scale
CIBLE_CHANGEMENT_PAGE = 0.400  # s, median of the switches from the navigation, in the browser
CIBLE_CHANGEMENT_PAGE_PIRE = 0.800  # s, the slowest page
CIBLE_TARDIF = 1.0  # s, one late one-row return, end to end (the command, in its own process)
CIBLE_RSS_TARDIF = 2**30
CIBLE_VERSIONS = 12  # versions kept after `python -m warehouse prune`


def dossier(link: Path, year: int, out: Path) -> dict:
    """One basin's committee pack, the command an officer runs (a separate process: its
    imports, vl-convert's start and the PDF's fonts count, as they do for the officer)."""
    run = run_child(["-m", "warehouse", "pack", "--bassin", "SUD", "--annee", str(year), "--depuis",
                     f"{year}-01-01", "--out", str(out / "dossiers"), "--db", str(link)])
    if run.returncode:
        return {"erreur": (run.stderr.strip().splitlines() or ["?"])[-1]}
    return {"total_s": run.seconds, "rss_max": run.peak_rss}
TERRITOIRE = "indicateurs_territoire"


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m bench", description="Mesures de performance de l'Observatoire IAE.")
    ap.add_argument("--scale", choices=sorted(SCALES), default="reunion",
                    help="échelle : reunion (60 SIAE × 3 ans), region (600 × 5), national (5 000 × 10)")
    ap.add_argument("--siae", type=int, help="nombre de SIAE (remplace celui de l'échelle)")
    ap.add_argument("--years", type=int, help="nombre d'années (remplace celui de l'échelle)")
    ap.add_argument("--last-year", type=int, default=2025)
    ap.add_argument("--format", choices=("messy", "plain"), help="format des fichiers (défaut : celui de l'échelle)")
    ap.add_argument("--out", type=Path, help="dossier de travail (défaut : bench/out/<échelle>)")
    ap.add_argument("--runs", type=int, default=5, help="exécutions par requête, après une de chauffe")
    ap.add_argument("--sessions", type=int, default=10, help="sessions navigateur ouvertes sur l'application")
    ap.add_argument("--no-pages", action="store_true", help="ne pas mesurer les pages (AppTest)")
    ap.add_argument("--no-browser", action="store_true",
                    help="ne rien mesurer dans le navigateur (sessions, changements de page)")
    ap.add_argument("--tardifs", type=int, metavar="N",
                    help="retours tardifs d'une ligne chargés un par un (défaut : 5 à l'échelle reunion, 100 sinon ; "
                         "0 : ne pas mesurer)")
    args = ap.parse_args(argv)
    if args.tardifs is None:
        args.tardifs = 5 if args.scale == "reunion" else 100
    n, y, fmt, _ = SCALES[args.scale]
    args.n_siae, args.n_years, args.fmt = args.siae or n, args.years or y, args.format or fmt
    if args.n_siae < 1 or args.n_years < 1:
        ap.error("--siae et --years doivent être positifs")
    if args.out is None:
        custom = args.siae or args.years or args.format
        name = args.scale + (f"-{args.n_siae}siae-{args.n_years}ans-{args.fmt}" if custom else "")
        args.out = ROOT / "bench" / "out" / name
    args.out = args.out.absolute()
    return args


class Steps:
    """Progress on stderr, and how long each step of the bench took (in results.json)."""

    def __init__(self):
        self.durations: dict[str, float] = {}
        self._name, self._t = None, time.perf_counter()

    def __call__(self, key: str | None, label: str = "") -> None:
        now = time.perf_counter()
        if self._name:
            self.durations[self._name] = round(now - self._t, 2)
        self._name, self._t = key, now
        if key:
            print(f"… {label or key}", file=sys.stderr, flush=True)


def load(args, year_dirs: list[Path], link: Path) -> dict:
    shutil.rmtree(link.parent, ignore_errors=True)
    run = run_child(["-m", "loaders", "load", *map(str, year_dirs), "--db", str(link), "--user", "bench"],
                    timeout=1800)
    res = {"code_retour": run.returncode, "duree_s": run.seconds, "rss_max_octets": run.peak_rss,
           "rss_max_hwm_octets": run.peak_hwm_polled, "rss_max_echantillonne_octets": run.peak_rss_polled}
    if run.returncode != 0:
        res["erreur"] = (run.stdout + run.stderr).strip().splitlines()[-5:]
        return res
    con = connect_read(link)
    try:
        rows, files, rejected = con.sql(
            "select sum(row_count) filter (where status = 'loaded'), count(*) filter (where status = 'loaded'), "
            "count(*) filter (where status = 'rejected') from load_log").fetchall()[0]
        res["annee_max"] = con.sql("select max(annee) from raw_conventions").fetchall()[0][0]
    finally:
        con.close()
    res.update(lignes=int(rows or 0), fichiers=files, fichiers_refuses=rejected,
               lignes_par_s=(rows or 0) / run.seconds)
    return res


def pandas_peer(peer_dir: Path, link: Path, year: int, ours_s: float) -> dict:
    frames = peer.read_year(peer_dir, year)
    t_total, _ = median_time(lambda: peer.indicateurs_territoire(peer_dir, year), runs=3, budget=20)
    t_compute, _ = median_time(lambda: peer.compute(frames, year), runs=3, budget=20)
    con = connect_read(link)
    try:
        view = con.sql(f"select * from {TERRITOIRE} where annee = $annee", params={"annee": year}).df()
    finally:
        con.close()
    conc = peer.concordance(peer.compute(frames, year), view)
    return {"total_s": t_total, "calcul_seul_s": t_compute, "ratio_total": t_total / ours_s,
            "ratio_calcul_seul": t_compute / ours_s, "concordance": conc}


def pages(link: Path, out: Path) -> dict:
    json_path = out / "pages.json"
    json_path.unlink(missing_ok=True)
    env = dict(os.environ, IAE_DB=str(link))
    run = run_child(["-m", "bench.pages", "--json", str(json_path)], env=env, timeout=900)
    (out / "pages.log").write_text(run.stderr[-200_000:])
    if not json_path.exists():
        return {"statut": "erreur", "note": f"mesure des pages interrompue (code {run.returncode})", "pages": []}
    return json.loads(json_path.read_text())


def build_table(args, r: dict) -> Table:
    t = Table(f"Observatoire IAE — mesures de performance, échelle « {args.scale} » "
              f"({nombre(args.n_siae)} SIAE × {args.n_years} an(s), format {args.fmt}) — "
              f"{r['machine']['coeurs']} cœur(s), {memoire(r['machine']['memoire_octets'])} ; "
              "cibles fixées pour l'échelle nationale sur 2 cœurs")
    g = r["donnees"]
    t.section("0. Machine et données de test (générateur seed_data)")
    m = r["machine"]
    other = m.get("autres_processus_coeurs")
    if other is not None:
        t.add("Autres processus pendant le banc (moyenne, en cœurs occupés)",
              nombre(other, 2) + (" : machine partagée, chiffres pessimistes" if other > 0.25 else ""))
    t.add("Génération des fichiers", duree(g["generation_s"]) if g["generation_s"] is not None
          else "réutilisés (paramètres identiques)")
    t.add("Fichiers / taille", f"{g['fichiers']} fichiers, {memoire(g['octets'])}")

    c = r["chargement"]
    t.section("1. Chargement (python -m loaders load, de CSV à l'entrepôt, processus séparé)")
    if c.get("code_retour") != 0:
        t.add("Chargement", f"ÉCHEC (code {c.get('code_retour')})", "", False)
        for line in c.get("erreur", []):
            t.note(line[:150])
    else:
        t.add("Lignes validées et enregistrées", f"{nombre(c['lignes'])} ({c['fichiers']} fichiers, "
              f"{c['fichiers_refuses']} refusé(s))")
        t.add("Durée totale du chargement", duree(c["duree_s"]))
        t.add("Débit de bout en bout", f"{nombre(c['lignes_par_s'])} lignes/s",
              f"≥ {nombre(CIBLE_DEBIT)} lignes/s", c["lignes_par_s"] >= CIBLE_DEBIT)
    t.add("Mémoire maximale du chargement (RSS)", memoire(c["rss_max_octets"]), f"< {memoire(CIBLE_RSS_CHARGEMENT)}",
          c["rss_max_octets"] < CIBLE_RSS_CHARGEMENT)

    i = r["indicateurs"]
    t.section("2. Construction des indicateurs")
    t.add("Mode des indicateurs", i["mode"])
    if "rafraichissement" in i:
        rf = i["rafraichissement"]
        t.add("Reconstruction complète (warehouse init après changement de schéma)", duree(rf["total_s"]))
        t.note(f"dont schéma et calcul des indicateurs {duree(rf['construction_s'])}, "
               f"copie de la version et écriture {duree(rf['copie_et_ecriture_s'])}")
    elif "erreur" in i:
        t.add("Reconstruction", f"erreur : {i['erreur']}")

    year = r["annee"]
    t.section(f"3. Requêtes par indicateur (médiane de {args.runs} après chauffe, lecture seule, vers polars)")
    for q in r["requetes"]:
        if "erreur" in q:
            t.add(q["vue"], f"erreur : {q['erreur'][:60]}")
            continue
        one = q.get("une_annee_s")
        value = (f"{year} : {duree(one)} ({nombre(q['lignes_une_annee'])} l.) ; " if one is not None else "") + \
            f"toutes : {duree(q['toutes_annees_s'])} ({nombre(q['lignes_toutes_annees'])} l.)"
        if q["vue"] == TERRITOIRE and one is not None:
            t.add(f"{q['vue']} (une année)", value, f"< {duree(CIBLE_TERRITOIRE)}", one < CIBLE_TERRITOIRE)
        else:
            t.add(q["vue"], value)
    f = r["plancher"]
    t.add(f"Plancher : {TERRITOIRE} {year} en DuckDB nu", duree(f.get("plancher_s")))
    if "a_la_demande_s" in f:
        t.add("Même requête calculée à la demande (vues, sans matérialisation)", duree(f["a_la_demande_s"]))
    p = r["pandas"]
    if "erreur" in p:
        t.add("Pandas (pair)", f"erreur : {p['erreur'][:70]}")
    else:
        t.add(f"Pandas : {TERRITOIRE} {year} depuis les CSV (lecture + calcul)", duree(p["total_s"]))
        t.add("Rapport pandas / nous (de bout en bout)", ratio(p["ratio_total"]), f"≥ × {CIBLE_PANDAS}",
              p["ratio_total"] >= CIBLE_PANDAS)
        t.add("Rapport pandas / nous (calcul seul, données en mémoire)", ratio(p["ratio_calcul_seul"]))
        k = p["concordance"]
        t.add("Concordance pandas / vue", f"{k['colonnes']} colonnes × {k['lignes']} lignes, écart relatif max "
              f"{k['ecart_relatif_max']:.1e}".replace(".", ","), "identiques (1e-6)", k["ok"])
        for e in k["ecarts"][:5]:
            t.note(e)

    if "dossier" in r:
        d = r["dossier"]
        if "erreur" in d:
            t.add("Dossier de comité d'un bassin", f"erreur : {d['erreur'][:60]}")
        else:
            t.add("Dossier de comité d'un bassin, PDF et Excel (python -m warehouse pack, processus séparé)",
                  f"{duree(d['total_s'])}, {memoire(d['rss_max'])}",
                  f"< {duree(CIBLE_DOSSIER)} (échelle reunion)" if args.scale == "reunion" else "",
                  d["total_s"] < CIBLE_DOSSIER if args.scale == "reunion" else None)

    pg = r["pages"]
    t.section("4. Pages, côté serveur (AppTest) : 1re exécution ; après changement de filtre, "
              "non en cache puis en cache (médianes)")
    measured = [x for x in pg.get("pages", []) if "premiere_s" in x and "erreur" not in x]
    if pg.get("statut") != "ok":
        t.add("Pages", f"non mesurées : {pg.get('note', '?')}")
    floor_s = f.get("plancher_s")
    for x in pg.get("pages", []):
        if "erreur" in x:
            t.add(f"Page « {x['page']} »", "ignorée : " + x["erreur"][:70])
            continue
        if "filtre_non_cache_s" in x:
            value = (f"{duree(x['premiere_s'])} ; {duree(x['filtre_non_cache_s'])} ; {duree(x['filtre_cache_s'])}"
                     + (f" ({ratio(x['filtre_non_cache_s'] / floor_s)} plancher)" if floor_s else ""))
        else:
            value = f"{duree(x.get('premiere_s'))} ; {x.get('note', '')}"
        t.add(f"Page « {x['page']} »", value)
    if measured:
        first = max(measured, key=lambda x: x["premiere_s"])
        t.add("Premier affichage, page la plus lente", f"{duree(first['premiere_s'])} ({first['page']})",
              f"< {duree(CIBLE_PREMIERE_PAGE)}", first["premiere_s"] < CIBLE_PREMIERE_PAGE)
        with_filters = [x for x in measured if x.get("filtre_non_cache_s") is not None]
        if with_filters:
            slow = max(with_filters, key=lambda x: x["filtre_non_cache_s"])
            t.add("Relance après changement de filtre, non en cache (médiane, page la plus lente)",
                  f"{duree(slow['filtre_non_cache_s'])} ({slow['page']})", f"< {duree(CIBLE_RELANCE)}",
                  slow["filtre_non_cache_s"] < CIBLE_RELANCE)
            slow_c = max(with_filters, key=lambda x: x["filtre_cache_s"])
            t.add("Relance après changement de filtre, en cache (médiane, page la plus lente)",
                  f"{duree(slow_c['filtre_cache_s'])} ({slow_c['page']})", f"< {duree(CIBLE_RELANCE)}",
                  slow_c["filtre_cache_s"] < CIBLE_RELANCE)
    elif pg.get("statut") == "ok":
        t.add("Pages", "aucune page mesurée", f"< {duree(CIBLE_PREMIERE_PAGE)} / < {duree(CIBLE_RELANCE)}")

    s = r["sessions"]
    t.section(f"5. Mémoire du serveur de l'application (streamlit run, {args.sessions} sessions Chromium)")
    if s.get("statut") != "ok":
        t.add("Mémoire avec sessions", f"non mesurée : {s.get('note', '?')}", f"< {memoire(CIBLE_RSS_APP)}")
    else:
        t.add("Serveur démarré, sans session", memoire(s["rss_demarrage"]))
        t.add("Après la 1re session", f"{memoire(s.get('rss_une_session'))} "
              f"(affichée en {duree(s.get('premiere_session_s'))})")
        t.add(f"Avec {s['sessions']} sessions affichées ({s['sessions_affichees']}/{s['sessions']})",
              f"{memoire(s['rss_sessions'])} (pic {memoire(s['rss_pic'])}, toutes affichées en "
              f"{duree(s['toutes_sessions_s'])})", f"< {memoire(CIBLE_RSS_APP)}",
              s["rss_pic"] < CIBLE_RSS_APP and s["sessions_affichees"] == s["sessions"])
        for e in s.get("erreurs", []):
            t.note(e)
    page_switch_rows(t, s)
    late_return_rows(t, r.get("tardifs", {}))
    return t


def page_switch_rows(t: Table, s: dict) -> None:
    t.section("6. Changement de page dans le navigateur (clic dans la navigation → dernière modification "
              "de la page, un onglet seul sur le serveur)")
    c = s.get("changements_page")
    if c is None:
        note = s.get("note", "?") if s.get("statut") != "ok" else "non demandé"
        if s.get("chromium_absent"):
            note = "chromium absent"
        t.add("Changement de page", f"non mesuré : {note}",
              f"< {duree(CIBLE_CHANGEMENT_PAGE)} / < {duree(CIBLE_CHANGEMENT_PAGE_PIRE)}")
        return
    if "mediane_s" in c:
        t.add(f"Médiane sur {len(c['durees_s'])} pages", duree(c["mediane_s"]), f"< {duree(CIBLE_CHANGEMENT_PAGE)}",
              c["mediane_s"] < CIBLE_CHANGEMENT_PAGE)
        t.add("Page la plus lente", f"{duree(c['pire_s'])} ({c['pire_page']})",
              f"< {duree(CIBLE_CHANGEMENT_PAGE_PIRE)}", c["pire_s"] < CIBLE_CHANGEMENT_PAGE_PIRE and not c["erreurs"])
    for e in c["erreurs"]:
        t.note(f"non mesurée : {e}")


def late_return_rows(t: Table, d: dict) -> None:
    t.section("7. Retour tardif : un retour finances d'une ligne, chargé par python -m loaders load "
              "(processus séparé, sur une copie de l'entrepôt)")
    if not d or d.get("statut") == "ignore":
        t.add("Retour tardif", "non mesuré : option --tardifs 0")
        return
    if "erreur" in d:
        t.add("Retour tardif", f"erreur : {d['erreur'][:90]}", f"< {duree(CIBLE_TARDIF)}", False)
        return
    ok = all(code == 0 for code in d["codes_retour"]) and d["chiffre_affaires_lu"] == d["chiffre_affaires_attendu"]
    t.add(f"Chargements ({d['n']}, un chiffre d'affaires changé à chaque fois)",
          f"{sum(code == 0 for code in d['codes_retour'])}/{d['n']} réussis, dernier chiffre "
          f"{'retrouvé' if ok else 'NON retrouvé'} dans l'entrepôt", "tous réussis", ok)
    for e in d.get("erreurs", []):
        t.note(e)
    t.add("Premier chargement (sans copie faite d'avance)", duree(d["premier_s"]), f"< {duree(CIBLE_TARDIF)}",
          d["premier_s"] < CIBLE_TARDIF)
    t.add("Suivants (copie faite d'avance) : médiane / maximum", f"{duree(d['mediane_s'])} / {duree(d['max_s'])}",
          f"< {duree(CIBLE_TARDIF)}",
          d["max_s"] < CIBLE_TARDIF)
    t.add("Mémoire maximale d'un chargement (RSS)", memoire(d["rss_max_octets"]), f"< {memoire(CIBLE_RSS_TARDIF)}",
          d["rss_max_octets"] < CIBLE_RSS_TARDIF)
    v = d["versions"]
    pol = v["politique"]
    t.section("8. Versions de l'entrepôt sur disque (dossier des versions de la copie)")
    t.add("Avant les retours tardifs (1 version)", memoire(v["avant_octets"]))
    t.add(f"Après {d['n']} retours, sans conservation ({v['versions_apres_chargements']} versions)",
          memoire(v["apres_chargements_octets"]) + ("" if v["mesure"] else " (calculé : disque insuffisant pour le mesurer)"))
    t.add(f"Après python -m warehouse prune ({v['versions_apres_prune']} versions gardées)",
          memoire(v["apres_prune_octets"]) + ("" if v["prune_code_retour"] == 0 else f", code {v['prune_code_retour']}"),
          f"≤ {CIBLE_VERSIONS} versions", v["prune_code_retour"] == 0 and v["versions_apres_prune"] <= CIBLE_VERSIONS)
    t.note(f"politique : la version en service, les {pol['dernieres']} dernières, la dernière de chacun des "
           f"{pol['mois']} derniers mois, celles d'un dossier de comité ; après chaque chargement : "
           f"{'oui' if pol['apres_chargement'] else 'non'} (config/observatoire.toml [versions])")


def main(argv=None) -> int:
    args = parse_args(argv)
    t_start = time.perf_counter()
    step = Steps()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    years = data.year_list(args.n_years, args.last_year)
    r: dict = {"echelle": args.scale, "parametres": {"siae": args.n_siae, "annees": years, "format": args.fmt},
               "machine": {"coeurs": os.cpu_count(), "memoire_octets": psutil.virtual_memory().total,
                           "python": platform.python_version()}}
    other_load = OtherLoad()

    step("donnees", f"données : {args.n_siae} SIAE × {args.n_years} an(s) dans {out}")
    files, gen_s = data.ensure(out, args.n_siae, args.n_years, args.last_year, args.fmt)
    r["donnees"] = {"fichiers": len(files), "octets": sum(f.stat().st_size for f in files), "generation_s": gen_s}
    peer_dir = out
    if args.fmt != "plain":  # the pandas peer reads the plain format of the same data
        peer_dir = out / "pandas_plain"
        data.ensure(peer_dir, args.n_siae, args.n_years, args.last_year, "plain")

    link = out / "wh" / "iae.duckdb"
    step("chargement", "chargement (processus séparé)")
    r["chargement"] = load(args, [out / str(y) for y in years], link)
    ok_load = r["chargement"].get("code_retour") == 0
    year = r["chargement"].get("annee_max") or years[-1]
    r["annee"] = year
    r.update(indicateurs={}, requetes=[], plancher={}, pandas={}, pages={"statut": "non mesuré", "pages": []},
             sessions={"statut": "ignore", "note": "non demandé"},
             tardifs={"statut": "ignore"})
    if ok_load:
        kinds = queries.mart_kinds(link)
        n_tables = sum(k == "table" for k in kinds.values())
        mode = ("vues (calcul à la demande)" if n_tables == 0 else
                f"tables matérialisées au chargement ({n_tables}/{len(kinds)})")
        r["indicateurs"] = {"mode": mode, "marts": kinds}
        step("reconstruction", "reconstruction des indicateurs")
        try:
            r["indicateurs"]["rafraichissement"] = queries.refresh(link)
        except Exception as exc:  # noqa: BLE001
            r["indicateurs"]["erreur"] = str(exc).splitlines()[0]
        step("requetes", "requêtes par indicateur")
        r["requetes"] = queries.time_marts(link, year, runs=args.runs)
        step("plancher", "plancher DuckDB")
        r["plancher"] = queries.floor(link, year)
        ours = next((q.get("une_annee_s") for q in r["requetes"] if q["vue"] == TERRITOIRE), None)
        step("pandas", "pair pandas")
        try:
            r["pandas"] = pandas_peer(peer_dir, link, year, ours or r["plancher"]["plancher_s"])
        except Exception as exc:  # noqa: BLE001
            r["pandas"] = {"erreur": f"{type(exc).__name__}: {exc}"}
        step("profils", "profils EXPLAIN ANALYZE")
        try:
            slow = sorted((q for q in r["requetes"] if "toutes_annees_s" in q),
                          key=lambda q: -q["toutes_annees_s"])[:2]
            queries.explain(link, [q["vue"] for q in slow], out)
            (out / f"explain_{TERRITOIRE}_a_la_demande.txt").write_text(
                queries.view_profile(link, TERRITOIRE, year))
        except Exception as exc:  # noqa: BLE001
            r["profils_erreur"] = str(exc).splitlines()[0]
        step("dossier", "dossier de comité d'un bassin")
        r["dossier"] = dossier(link, year, out)
        if args.tardifs > 0:
            step("tardifs", f"{args.tardifs} retour(s) tardif(s) d'une ligne, puis prune")
            try:
                r["tardifs"] = tardifs.measure(link, out, args.tardifs)
            except Exception as exc:  # noqa: BLE001 - the bench reports, it does not crash
                r["tardifs"] = {"erreur": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
        if not args.no_pages:
            step("pages", "pages (AppTest, processus séparé)")
            r["pages"] = pages(link, out)
        else:
            r["pages"] = {"statut": "ignore", "note": "option --no-pages", "pages": []}
        if not args.no_browser:
            step("sessions", f"navigateur : changements de page, puis {args.sessions} sessions")
            r["sessions"] = sessions.measure(link, args.sessions)
        else:
            r["sessions"] = {"statut": "ignore", "note": "option --no-browser"}
    step(None)
    r["machine"]["autres_processus_coeurs"] = other_load.cores(r["sessions"].get("cpu_navigateur_s", 0.0))
    r["etapes_s"] = step.durations
    r["duree_bench_s"] = time.perf_counter() - t_start
    table = build_table(args, r)
    r["tableau"] = table.as_json()
    print(table.render())
    print(f"Durée du banc : {duree(r['duree_bench_s'])}. Détails : {out / 'results.json'}")
    (out / "results.json").write_text(json.dumps(r, indent=1, default=str, ensure_ascii=False))
    return 0 if ok_load else 1


if __name__ == "__main__":
    sys.exit(main())
