"""The bench runs end to end at a tiny scale, so that it cannot rot between national runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_tiny_scale(tmp_path):
    out = tmp_path / "bench"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--siae", "8", "--years", "2", "--runs", "2", "--no-browser",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for heading in ("Mesure", "Valeur", "Cible", "Statut", "1. Chargement", "2. Construction des indicateurs",
                    "3. Requêtes par indicateur", "4. Pages", "5. Mémoire du serveur", "Débit de bout en bout",
                    "Concordance pandas / vue", "indicateurs_territoire (une année)"):
        assert heading in run.stdout, heading

    r = json.loads((out / "results.json").read_text())
    assert {"echelle", "parametres", "donnees", "chargement", "indicateurs", "requetes", "plancher", "pandas",
            "pages", "sessions", "tableau", "etapes_s", "duree_bench_s"} <= r.keys()
    c = r["chargement"]
    assert c["code_retour"] == 0 and c["fichiers_refuses"] == 0
    for key in ("lignes", "duree_s", "lignes_par_s", "rss_max_octets"):
        assert c[key] > 0, key
    assert r["indicateurs"]["rafraichissement"]["total_s"] > 0
    marts = {f.stem for f in (ROOT / "sql" / "marts").glob("*.sql")}
    assert {q["vue"] for q in r["requetes"]} == marts
    for q in r["requetes"]:
        assert "erreur" not in q, q
        assert q["toutes_annees_s"] > 0 and q["une_annee_s"] > 0, q
    assert r["plancher"]["plancher_s"] > 0
    p = r["pandas"]
    assert p["total_s"] > 0 and p["ratio_total"] > 0
    assert p["concordance"]["ok"], p["concordance"]
    # Every page of the navigation opens and is measured: a page that fails fails this test.
    from ui.navigation import PAGES

    pages = r["pages"]
    assert pages["statut"] == "ok", pages.get("note")
    assert {p["fichier"] for p in pages["pages"]} == {p.path for p in PAGES}
    for page in pages["pages"]:
        assert "erreur" not in page, page
        assert page["premiere_s"] > 0, page
        assert all(t > 0 for times in page["relances"].values() for t in times), page
    assert r["sessions"]["statut"] == "ignore"
    # The summary gives a verdict on every measure taken with a target, and none on the others.
    # Speed depends on the machine (two shared cores may miss a target); results must be right.
    for row in r["tableau"]:
        measured = row["cible"] and not str(row["valeur"]).startswith("non mesur")
        assert row["statut"] in (("OK", "NON ATTEINT") if measured else ("",)), row
    verdicts = {row["mesure"]: row["statut"] for row in r["tableau"]}
    assert verdicts["Concordance pandas / vue"] == "OK"
    assert {f"Page « {p['page']} »" for p in pages["pages"]} <= verdicts.keys()
