"""`python -m warehouse prune`: the versions the retention policy keeps, and why; the others
removed, and a restore of one refused in French."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import pytest

from conftest import fixture_warehouse
from documents import pack
from warehouse import changements, conservation
from warehouse.__main__ import main
from warehouse.cli import run
from warehouse.db import WarehouseError, current_file, list_versions, restore
from warehouse.scope import Filters, Scope


@pytest.fixture
def quinze(tmp_path, monkeypatch):
    """15 versions: v1, v2 a year and a half ago; v3..v6 on the last day of last month; v7..v15
    today. Policy: the last 3, the last of each of the last 2 months."""
    conf = tmp_path / "observatoire.toml"
    conf.write_text("[versions]\ndernieres = 3\nmois = 2\n", encoding="utf-8")
    monkeypatch.setenv("IAE_CONFIG", str(conf))
    link = fixture_warehouse(copy_to=tmp_path)
    while len(list_versions(link)) < 15:
        restore(link, 1)
    old = datetime.now() - timedelta(days=550)
    last_month = datetime.combine(date.today().replace(day=1) - timedelta(days=1), datetime.min.time())
    for v in list_versions(link):
        when = (old + timedelta(minutes=v.number) if v.number <= 2 else
                last_month + timedelta(hours=10, minutes=v.number) if v.number <= 6 else None)
        if when is not None:
            os.utime(v.path, (when.timestamp(), when.timestamp()))
    return link


def test_dry_run_lists_then_prune_removes_all_but_kept(quinze, capsys):
    size = sum(v.size for v in list_versions(quinze))
    # A committee pack of 2024 compared with the version in force a year and a half ago (v2).
    conservation.pin(quinze, list_versions(quinze)[1], "dossier de comité SUD 2024")
    assert main(["prune", "--dry-run", "--db", str(quinze)]) == 0
    out = capsys.readouterr().out
    assert "Versions gardées (5) :" in out and "Versions à supprimer (10) :" in out
    assert "Simulation : rien n'a été supprimé" in out
    assert len(list_versions(quinze)) == 15  # nothing removed

    assert main(["prune", "--db", str(quinze)]) == 0
    out = capsys.readouterr().out
    kept = {v.number for v in list_versions(quinze)}
    assert kept == {2, 6, 13, 14, 15}
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert "dossier de comité SUD 2024" in lines["2"]
    assert f"dernière version de {date.today().replace(day=1) - timedelta(days=1):%m/%Y}" in lines["6"]
    assert "version en service" in lines["15"] and "parmi les 3 dernières" in lines["15"]
    assert "Versions supprimées (10) :" in out
    freed = size - sum(v.size for v in list_versions(quinze))
    assert f"Espace libéré : {conservation.octets_fr(freed)}." in out
    # A second run has nothing left to do.
    assert main(["prune", "--db", str(quinze)]) == 0
    assert "Aucune version à supprimer." in capsys.readouterr().out


def test_restore_of_a_pruned_version_is_refused_in_french(quinze, capsys):
    assert main(["prune", "--db", str(quinze)]) == 0
    capsys.readouterr()
    with pytest.raises(WarehouseError, match=r"La version 4 \(créée le .*\) a été supprimée le .* par la "
                                             r"politique de conservation des versions"):
        restore(quinze, 4)
    assert run(lambda: main(["restore", "4", "--db", str(quinze)])) == 1
    err = capsys.readouterr().err
    assert err.startswith("erreur : La version 4") and "ne peut plus être restaurée" in err
    assert "Traceback" not in err
    # A kept one is restored as before, as a new version.
    assert main(["restore", "6", "--db", str(quinze)]) == 0
    assert current_file(quinze).name == "v000016.duckdb"


def test_a_committee_pack_pins_its_versions_and_since_still_compares(quinze, tmp_path):
    last_month = date.today().replace(day=1) - timedelta(days=1)
    pack.ecrire(quinze, "SUD", 2024, tmp_path / "dossiers", scope=Scope.admin(), depuis=last_month)
    pinned = conservation.pins(quinze)
    assert set(pinned) == {6, 15}  # compared with (in force on the date given), made from
    assert pinned[15] == [f"dossier de comité SUD 2024 tiré le {date.today():%d/%m/%Y}"]
    conservation.prune(quinze, conservation.settings.conservation_versions())
    # With only the current version as the last 1 and no month, both pins still hold.
    conservation.prune(quinze, conservation.settings.ConservationVersions(dernieres=1, mois=0))
    assert {v.number for v in list_versions(quinze)} == {6, 15}
    v, retours, _ = changements.comparer(quinze, last_month, Filters(annee=2024, bassins=("SUD",)), Scope.admin())
    assert v.number == 6 and retours.height > 0


def test_each_load_applies_the_policy_so_disk_stays_bounded(tmp_path, monkeypatch):
    """Officers load returns one by one for weeks: no one runs prune, the versions still stop
    at what the policy keeps. Here the last 2 and nothing per month: after 4 late returns,
    2 versions are left, and the load history still counts every load."""
    from loaders.load import load_files

    conf = tmp_path / "observatoire.toml"
    conf.write_text("[versions]\ndernieres = 2\nmois = 0\n", encoding="utf-8")
    monkeypatch.setenv("IAE_CONFIG", str(conf))
    link = fixture_warehouse(copy_to=tmp_path)
    before = len(list_versions(link))
    header = "annee;siret;chiffre_affaires;aides_etat;aides_departement;aides_region;aides_communes;fse;" \
             "autres_aides_publiques;fonds_propres;resultat_net;total_charges"
    for i in range(4):
        f = tmp_path / f"finances_{i}.csv"
        f.write_text(f"{header}\n2023;11111111000016;{130000 + i};60000;10000;;;10000;;25000;5000;195000\n",
                     encoding="utf-8")
        assert [r.status for r in load_files([f], link)] == ["loaded"]
    numbers = [v.number for v in list_versions(link)]
    assert len(numbers) == 2 and numbers[-1] == before + 4
    journal = (link.parent / (link.name + ".versions") / "supprimees.jsonl").read_text(encoding="utf-8")
    assert journal.count('"version"') == before + 2

    conf.write_text("[versions]\ndernieres = 2\nmois = 0\napres_chargement = false\n", encoding="utf-8")
    f = tmp_path / "finances_off.csv"
    f.write_text(f"{header}\n2023;11111111000016;140000;60000;10000;;;10000;;25000;5000;195000\n", encoding="utf-8")
    load_files([f], link)
    assert len(list_versions(link)) == 3  # switched off: only the command prunes
