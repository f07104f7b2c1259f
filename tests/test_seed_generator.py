"""The synthetic seed generator: deterministic, realistic proportions, every contract rule kept."""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contract import CODE_LISTS, COMMUNES_REUNION, MOTIF_CATEGORIES, TEMPLATES  # noqa: E402
from seed_data import generate as g  # noqa: E402
from seed_data.generator import profiles, simulation  # noqa: E402

YEARS = [2023, 2024, 2025]
COMMUNES = {c for c, _, _ in COMMUNES_REUNION}


def luhn(digits: str) -> bool:
    """Independent Luhn check (SIRET checksum)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@pytest.fixture(scope="module")
def records():
    """Every typed row of a 200-structure, 3-year run."""
    return list(simulation.iter_records(200, YEARS))


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---- determinism -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["messy", "plain"])
def test_two_runs_give_identical_bytes(tmp_path, fmt):
    a = g.generate(tmp_path / "a", 25, 2, 2025, fmt)
    b = g.generate(tmp_path / "b", 25, 2, 2025, fmt)
    assert len(a) == len(b) > 0
    fa, fb = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert fa.keys() == fb.keys()
    assert all(fa[k] == fb[k] for k in fa), [k for k in fa if fa[k] != fb[k]]


def test_bundled_seed_is_what_the_generator_writes(tmp_path):
    bundled = ROOT / "seed_data" / "returns"
    assert bundled.is_dir(), "the bundled seed is missing: run python seed_data/generate.py"
    g.generate(tmp_path, *profiles.SCALES["reunion"][:2], last_year=2025, fmt="messy")
    assert _files(tmp_path) == _files(bundled), "run `python seed_data/generate.py` and commit seed_data/returns"


# ---- population --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [60, 600])
def test_proportions_by_type(n):
    pop = profiles.build_population(n, [2021, 2022, 2023, 2024, 2025])
    counts = Counter(s.type_siae for s in pop)
    assert set(counts) <= set(CODE_LISTS["TYPE_SIAE"])
    for t, share in {"ACI": 0.55, "AI": 0.20, "EI": 0.15, "ETTI": 0.06, "EITI": 0.04}.items():
        assert abs(counts[t] / n - share) <= 0.02, (t, counts[t])


def test_basins_sud_and_ouest_bigger():
    pop = profiles.build_population(600, YEARS)
    b = Counter(s.bassin for s in pop)
    assert set(b) == set(CODE_LISTS["BASSIN"])
    assert min(b["SUD"], b["OUEST"]) > max(b["NORD"], b["EST"])


def test_sirets_pass_luhn_and_are_unique():
    pop = profiles.build_population(5000, YEARS)
    sirets = [s.siret for s in pop]
    assert len(set(sirets)) == len(sirets)
    assert all(re.fullmatch(r"\d{14}", s) and luhn(s) for s in sirets)
    assert not luhn("12345678901234") and profiles.luhn_ok(profiles.siret_with_check("7328293200007"))


def test_statut_juridique_follows_type():
    pop = profiles.build_population(600, YEARS)
    assert all(s.statut_juridique == "ASSOCIATION" for s in pop if s.type_siae == "AI")
    aci = [s for s in pop if s.type_siae == "ACI"]
    assert sum(s.statut_juridique == "ASSOCIATION" for s in aci) / len(aci) > 0.75
    ei = [s for s in pop if s.type_siae in ("EI", "ETTI")]
    assert sum(s.statut_juridique in ("SARL", "SAS", "SCOP", "EURL", "SCIC") for s in ei) / len(ei) > 0.8


def test_life_span_and_missing_returns(records):
    by_year = defaultdict(set)
    returns = defaultdict(set)
    for s, y, t, _ in records:
        if t == "conventions":
            by_year[y].add(s.siret)
        else:
            returns[(s.siret, y)].add(t)
    assert by_year[2024] - by_year[2023] and by_year[2025] - by_year[2024]  # newcomers
    assert by_year[2023] - by_year[2025]  # a couple stop
    for y in YEARS:
        incomplete = [si for si in by_year[y] if len(returns[(si, y)]) < 4]
        assert 0.03 <= len(incomplete) / len(by_year[y]) <= 0.18, (y, len(incomplete))
    silent = [si for si in by_year[2025] if not returns[(si, 2025)]]
    assert 1 <= len(silent) <= max(2, round(200 * 0.025))


# ---- every row respects the contract -------------------------------------------------------------


def _check_row(t: str, r: dict) -> list[str]:
    """The rules of docs/CONTRACT.md section 2 that a single row can break."""
    bad = []
    tpl = TEMPLATES[t]
    for c in tpl.columns:
        v = r[c.name]
        if v is None or v == []:
            if c.required:
                bad.append(f"{c.name} required")
            continue
        if c.codes and c.type == "code" and v not in CODE_LISTS[c.codes]:
            bad.append(f"{c.name}={v}")
        if c.codes and c.type == "codes" and not set(v) <= set(CODE_LISTS[c.codes]):
            bad.append(f"{c.name}={v}")
        if c.min is not None and (v < c.min or (c.min_exclusive and v == c.min)):
            bad.append(f"{c.name}={v} < {c.min}")
        if c.max is not None and v > c.max:
            bad.append(f"{c.name}={v} > {c.max}")
        if c.siret and not luhn(v):
            bad.append("siret")
        if c.commune and v not in COMMUNES:
            bad.append(f"{c.name}={v}")
        if c.pattern and not re.fullmatch(c.pattern, v):
            bad.append(f"{c.name}={v}")
    y = r["annee"]
    if "date_entree" in r:
        if r["date_entree"] > date(y, 12, 31):
            bad.append("date_entree after the year")
        if r["date_sortie"] and (r["date_sortie"] < r["date_entree"] or r["date_sortie"] < date(y, 1, 1)):
            bad.append("date_sortie")
    if t == "salaries_insertion":
        if (r["motif_sortie"] is None) != (r["date_sortie"] is None):
            bad.append("motif iff date_sortie")
        if not 16 <= r["date_entree"].year - r["annee_naissance"] <= 70:
            bad.append("age at entry")
    if t == "personnel_permanent" and r["benevole_indemnise"] is not None and r["statut"] != "BENEVOLE":
        bad.append("benevole_indemnise")
    if t == "structure":
        shares = [r[k] for k in ("part_ca_particuliers", "part_ca_entreprises", "part_ca_associations",
                                 "part_ca_collectivites")]
        if None not in shares and abs(sum(shares) - 100) > 1:
            bad.append(f"shares {shares}")
    return bad


def test_every_row_respects_the_contract(records):
    problems = [(t, r, b) for _, _, t, r in records if (b := _check_row(t, r))]
    assert not problems, problems[:5]


def test_keys_are_unique(records):
    seen = defaultdict(set)
    for _, _, t, r in records:
        key = tuple(r[k] for k in TEMPLATES[t].key)
        assert key not in seen[t], (t, key)
        seen[t].add(key)


def test_contracts_spanning_two_years_are_consistent(records):
    contracts = defaultdict(list)
    for _, y, t, r in records:
        if t == "salaries_insertion":
            contracts[(r["siret"], r["identifiant"], r["date_entree"])].append(r)
    spanning = [rows for rows in contracts.values() if len({r["annee"] for r in rows}) > 1]
    assert len(spanning) > 1000
    for rows in spanning:
        assert len({(r["sexe"], r["annee_naissance"], r["type_contrat"]) for r in rows}) == 1
        assert all(r["date_sortie"] is None for r in rows[:-1])  # the exit only in its own year


def test_realistic_values(records):
    sal = [r for _, _, t, r in records if t == "salaries_insertion"]
    ages = [r["date_entree"].year - r["annee_naissance"] for r in sal]
    assert 0.15 <= sum(a < 26 for a in ages) / len(ages) <= 0.25
    assert 0.10 <= sum(a >= 50 for a in ages) / len(ages) <= 0.20
    assert all(0 < r["heures_hebdo_contrat"] <= 48 and 0 <= r["heures_travaillees"] <= 2300 for r in sal)
    cat = {c: k for k, codes in MOTIF_CATEGORIES.items() for c in codes}
    exits = Counter(cat[r["motif_sortie"]] for r in sal if r["motif_sortie"])
    n = sum(exits.values())
    for k, share in {"EMPLOI_DURABLE": 0.25, "EMPLOI_TRANSITION": 0.20, "SORTIE_POSITIVE": 0.10,
                     "AUTRE_SORTIE": 0.35, "NEUTRE": 0.10}.items():
        assert abs(exits[k] / n - share) < 0.04, (k, exits[k] / n)
    staff = [r for _, _, t, r in records if t == "personnel_permanent"]
    assert any(r["statut"] == "BENEVOLE" for r in staff) and any(r["heures_hebdo"] > 35 for r in staff)
    assert all(3 <= r["niveau_diplome"] <= 7 for r in staff if r["niveau_diplome"] is not None)
    fin = {(s.type_siae, r["annee"], r["siret"]): r for s, _, t, r in records if t == "finances"}
    ratios = defaultdict(list)
    for (typ, _, _), r in fin.items():
        if r["chiffre_affaires"]:
            ratios[typ].append(sum(r[k] or 0 for k in simulation.AIDES) / r["chiffre_affaires"])
    med = {k: sorted(v)[len(v) // 2] for k, v in ratios.items()}
    assert 2 <= med["ACI"] <= 5 and 0.1 <= med["EI"] <= 0.4 and 0.1 <= med["ETTI"] <= 0.4
    assert any(r["fonds_propres"] is not None and r["fonds_propres"] < 0 for r in fin.values())
    assert sum(r["chiffre_affaires"] == 0 for r in fin.values()) == 1


# ---- plain format ------------------------------------------------------------------------------


def test_plain_format_one_csv_per_template_per_year(tmp_path):
    files = g.generate(tmp_path, 20, 2, 2025, "plain")
    names = sorted(str(p.relative_to(tmp_path)) for p in files)
    assert names == sorted(f"{y}/{t}_{y}.csv" for y in (2024, 2025) for t in profiles.OUTPUT_TEMPLATES)
    for y in (2024, 2025):
        rows = {}
        for t in profiles.OUTPUT_TEMPLATES:
            with open(tmp_path / str(y) / f"{t}_{y}.csv", encoding="utf-8", newline="") as f:
                data = list(csv.reader(f, delimiter=";"))
            assert data[0] == TEMPLATES[t].column_names
            rows[t] = [dict(zip(data[0], line)) for line in data[1:]]
        assert 15 <= len(rows["conventions"]) <= 20
        assert 10 <= len(rows["structure"]) <= len(rows["conventions"])
        assert 20 * 15 <= len(rows["salaries_insertion"]) <= 20 * 150
        assert 20 * 3 <= len(rows["personnel_permanent"]) <= 20 * 20
        for r in rows["salaries_insertion"]:
            assert r["annee"] == str(y) and luhn(r["siret"])
            entree = date.fromisoformat(r["date_entree"])
            assert entree <= date(y, 12, 31) and 16 <= entree.year - int(r["annee_naissance"]) <= 70
            assert bool(r["date_sortie"]) == bool(r["motif_sortie"])
            if r["date_sortie"]:
                assert date.fromisoformat(r["date_sortie"]) >= max(entree, date(y, 1, 1))
            assert 0 < float(r["heures_hebdo_contrat"]) <= 48 and 0 <= float(r["heures_travaillees"]) <= 2300
        for r in rows["structure"]:
            shares = [r[k] for k in r if k.startswith("part_ca_")]
            if all(shares):
                assert abs(sum(map(float, shares)) - 100) <= 1


# ---- messy format ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    out = tmp_path_factory.mktemp("messy")
    g.generate(out, 60, 3, 2025, "messy")
    return out


def test_messy_layout_and_size(messy):
    files = [p for p in messy.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    for y in YEARS:
        in_year = [p for p in files if p.parts[len(messy.parts)] == str(y)]
        assert 18 <= len(in_year) <= 26, (y, len(in_year))
        assert (messy / str(y) / f"conventions_{y}.xlsx").exists()
        for b in ("sud", "ouest", "nord", "est"):
            assert (messy / str(y) / b / f"salaries_insertion_{b}_{y}.csv").exists()
        assert list((messy / str(y) / "est").glob("[0-9]*.xlsx"))


def test_messy_flavours(messy):
    sud = (messy / "2024" / "sud" / "finances_sud_2024.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        sud.decode("utf-8")
    text = sud.decode("cp1252")
    assert text.startswith("Année;SIRET;Chiffre d'affaires (€)") and "\r\n" in text
    assert re.search(r"\d[ \xa0]\d{3},\d\d", text)  # 1 250,50
    sal = (messy / "2024" / "sud" / "salaries_insertion_sud_2024.csv").read_bytes().decode("cp1252")
    assert re.search(r";\d\d/\d\d/20\d\d;", sal) and re.search(r";(rsa|Rsa |rsa |Rsa);", sal)
    assert (messy / "2024" / "ouest" / "structure_ouest_2024.csv").read_bytes().startswith(b"\xef\xbb\xbfannee;siret;")
    nord = (messy / "2024" / "nord" / "salaries_insertion_nord_2024.csv").read_text(encoding="utf-8")
    assert nord.startswith("ANNEE,SIRET,IDENTIFIANT") and "DATE D'ENTREE" in nord and re.search(r"[A-Z]\+[A-Z]", nord)
    est = (messy / "2024" / "est" / "structure_est_2024.csv").read_text(encoding="utf-8")
    assert est.splitlines()[0].endswith(";Commentaire") and est.splitlines()[-1].strip(";") == ""


def test_est_workbooks_hold_real_dates_and_numbers(messy):
    import openpyxl

    path = sorted((messy / "2025" / "est").glob("[0-9]*.xlsx"))[0]
    wb = openpyxl.load_workbook(path)
    assert set(wb.sheetnames) <= set(profiles.RETURNS)
    ws = wb["salaries_insertion"] if "salaries_insertion" in wb.sheetnames else wb[wb.sheetnames[0]]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    values = dict(zip(header, row))
    assert isinstance(values["Année"], int)
    if "Date d'entrée" in values:
        from datetime import datetime

        assert isinstance(values["Date d'entrée"], datetime)
        assert isinstance(values["Heures travaillées"], (int, float))


def test_seed_loads_without_rejection(messy, tmp_path):
    from loaders import load
    results = load.load_files([messy], tmp_path / "wh" / "iae.duckdb", user="test")
    rejected = [(r.name, [(p.ligne, p.colonne, p.valeur, p.regle) for p in r.errors][:3])
                for r in results if r.status == load.REJECTED]
    assert not rejected
    assert len(results) == sum(1 for p in messy.rglob("*") if p.is_file())
