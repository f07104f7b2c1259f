"""Statistical secrecy under attack (issue #11): a determined committee member or structure
reads every restricted view it can open and solves for the confidential cells.

tests/attaquant.py is the attacker, written apart from the defence (warehouse.publication,
warehouse.secret_audit): what the reader sees comes only from warehouse.queries, what it
knows from the tables, and the primary rules are recomputed from the truth. A test here
fails with the exposed cells, the reader and the range it finds.
"""

from __future__ import annotations

import functools
import os
import random
import tempfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from contract import SUPERVISION_FUNCTIONS
from tests import attaquant as A
from tests import entrepot_secret as E
from warehouse import diffusion, publication, queries
from warehouse.scope import Filters, Scope

ANNEE = 2025
DOSSIER = Path(tempfile.mkdtemp(prefix="iae_attaques_"))


# ---------- warehouses ----------

def _personnes(rng: random.Random, n: int, **fixe) -> list[dict]:
    out = []
    for _ in range(n):
        p = E.personne(rng, ANNEE)
        p.update(fixe)
        out.append(p)
    return out


def adverse() -> list[E.Siae]:
    """A department built to be attacked:
    - SUD has one ETTI (the single structure of a type in a basin);
    - EITI: one structure in each of NORD, EST, SUD (a department cell of three, one per basin);
    - EI: two in NORD, one in OUEST (a median over three, two in one committee's basin);
    - OUEST ACI: one structure holds 90 % of the turnover of its type in the basin;
    - EST AI: three structures, only one sent its accounts (a lone set of accounts);
    - NORD ACI: three with accounts, only one declared its equity;
    - small modalities beside large ones: one woman, one RSA, one exit to training among many."""
    rng = random.Random(11)
    out: list[E.Siae] = []
    n = 0

    def siae(bassin, type_siae, salaries, ca=None, fp=None, aides=None, personnel=3, etp=10.0):
        nonlocal n
        n += 1
        s = E.Siae(f"9{n:013d}", bassin, type_siae, etp_conventionnes=etp)
        s.salaries = salaries
        s.personnel = None if personnel is None else [E.permanent(rng) | {"benevole": False} for _ in range(personnel)]
        if ca is not None:
            s.finances = {"chiffre_affaires": ca, "fonds_propres": fp,
                          "aides": aides or {"ETAT": ca * 0.3, "DEPARTEMENT": ca * 0.1, "REGION": 0, "FSE": 0}}
        out.append(s)
        return s

    for b in E.BASSINS:  # a large ACI population everywhere
        for k in range(3):
            siae(b, "ACI", _personnes(rng, 12 + k), ca=2e5 + 1e4 * k, fp=5e4 if b != "NORD" else None)
    nord_aci = [s for s in out if s.bassin == "NORD" and s.type_siae == "ACI"]
    nord_aci[0].finances["fonds_propres"] = 8e4  # only one NORD ACI declared its equity
    siae("OUEST", "ACI", _personnes(rng, 20), ca=9e6)  # 90 % of OUEST ACI's turnover
    siae("SUD", "ETTI", _personnes(rng, 9), ca=7e5, fp=1e5, etp=6.0)  # alone in its basin x type
    siae("NORD", "ETTI", _personnes(rng, 7), ca=4e5, fp=2e4)
    siae("OUEST", "ETTI", _personnes(rng, 8), ca=3e5, fp=3e4)
    for b in ("NORD", "EST", "SUD"):
        siae(b, "EITI", _personnes(rng, 6), ca=5e5, fp=1e4)
    for b in ("NORD", "NORD", "OUEST"):
        siae(b, "EI", _personnes(rng, 10), ca=6e5, fp=2e4, etp=8.0 + len(out))
    for k in range(3):  # EST AI: one set of accounts among three
        siae("EST", "AI", _personnes(rng, 15), ca=3e5 if k == 0 else None)
    # small modalities beside large ones
    siae("SUD", "AI", _personnes(rng, 30, sexe="M", statut_entree="DELD")
         + _personnes(rng, 1, sexe="F", statut_entree="RSA", motif="FORMATION_QUALIFIANTE"), ca=4e5, fp=1e4)
    siae("SUD", "AI", _personnes(rng, 25, sexe="M"), ca=3e5, fp=2e4)
    siae("SUD", "AI", _personnes(rng, 18, sexe="M"), ca=2e5, fp=3e4)
    return out


@pytest.fixture(scope="module", autouse=True)
def utilisateurs(tmp_path_factory):
    """Committee members of two basins, declared as a department would (config/utilisateurs.toml):
    the publication protects against the basin sets declared there."""
    path = tmp_path_factory.mktemp("utilisateurs") / "utilisateurs.toml"
    path.write_text("".join(
        f'[[utilisateur]]\nemail = "cta{i}@example.org"\nrole = "cta"\nbassins = {list(b)!r}\n\n'.replace("'", '"')
        for i, b in enumerate((("NORD", "EST"), ("SUD", "OUEST")))))
    before = os.environ.get("IAE_UTILISATEURS")
    os.environ["IAE_UTILISATEURS"] = str(path)
    yield path
    if before is None:
        del os.environ["IAE_UTILISATEURS"]
    else:
        os.environ["IAE_UTILISATEURS"] = before


@functools.cache
def entrepot(nom: str) -> Path:
    """Path of a warehouse: "seed" (the demonstration data, loaded once), "adverse", or "aleatoire-<seed>"."""
    if nom == "seed":
        from loaders.__main__ import SEED_DIR, expand
        from loaders.load import load_files

        link = DOSSIER / "seed" / "iae.duckdb"
        results = load_files(expand([str(SEED_DIR)]), link, user="tests")
        assert all(r.status == "loaded" for r in results)
        return link
    siaes = adverse() if nom == "adverse" else E.aleatoire(int(nom.split("-")[1]), 15)
    path = DOSSIER / nom / "w.duckdb"
    A.entrepot(path, siaes, ANNEE).close()
    return path


def ouvrir(nom: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(entrepot(nom)), read_only=True)


def annee(nom: str) -> int:
    # the seed's first year: its funding table (years n-2..n) needs no other year's publication
    return 2023 if nom == "seed" else ANNEE


def lecteurs(v: A.Verite) -> list[A.Lecteur]:
    """Each basin's committee, and one structure per (basin, type): the first by SIRET."""
    par_cellule: dict[tuple[str, str], str] = {}
    for s in sorted(v.siae):
        par_cellule.setdefault(v.siae[s], s)
    return [*(A.lecteur_cta(v, b) for b in v.bassins), *(A.lecteur_structure(v, s) for s in par_cellule.values())]


@functools.cache
def _vu(nom: str, absences: bool) -> tuple[A.Verite, list[A.Observation]]:
    # every restricted reader gets the same aggregates (test_memes_agregats_pour_tout_lecteur):
    # gathered once per warehouse, through a committee's scope
    con = ouvrir(nom)
    v = A.verite(con, annee(nom))
    return v, A.observer(con, v, A.lecteur_cta(v, v.bassins[0]), absences=absences)


def expositions(nom: str, lecs, absences: bool = False) -> list[A.Exposition]:
    """The exposures of confidential cells of warehouse `nom` to each reader of `lecs`
    (a function of the truth, or a list)."""
    v, obs = _vu(nom, absences)
    return _expositions(v, obs, lecs(v) if callable(lecs) else lecs)


def _expositions(v: A.Verite, obs: list[A.Observation], lecs: list[A.Lecteur]) -> list[A.Exposition]:
    cases = A.confidentielles(v)
    out = []
    for comp in A.COMPOSANTES:
        prog = A.Programme(v, comp, obs)
        for lec in lecs:
            prog.lire_comme(lec)
            out += prog.attaquer({c: x for c, x in cases.items() if A.composante(c.famille) == comp})
    return out


def _rapport(ex: list[A.Exposition], n: int = 25) -> str:
    return f"{len(ex)} case(s) confidentielle(s) exposée(s) :\n" + "\n".join(str(e) for e in ex[:n])


def f_(b: str | None = None, t: str | None = None, y: int = ANNEE) -> Filters:
    return Filters(annee=y, bassins=(b,) if b else (), types=(t,) if t else ())


# ---------- what every reader sees ----------

def test_memes_agregats_pour_tout_lecteur():
    """The aggregates do not depend on who reads them (a committee and a structure get the
    same cells), and each reader's rows about one SIAE are exactly those it knows."""
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    cta, cta2, struct = A.lecteur_cta(v, "SUD"), A.lecteur_cta(v, "NORD", "EST"), A.lecteur_structure(v, min(v.siae))
    for f in (f_(), f_("SUD"), f_("SUD", "ETTI"), f_(None, "EITI")):
        for q in (queries.territoire, queries.publics, queries.sorties, queries.financement, queries.medianes_siae):
            # the same cells; a float sum may differ in its last bit from one run to the next
            assert_frame_equal(q(con, f, cta.scope), q(con, f, struct.scope), check_exact=False)
            assert_frame_equal(q(con, f, cta.scope), q(con, f, cta2.scope), check_exact=False)
    for lec in (cta, cta2, struct):
        vus = set(queries.siae(con, f_(), lec.scope)["siret"].to_list())
        assert vus == set(lec.connues), lec.nom
        autre = next(s for s in v.siae if s not in lec.connues)
        assert queries.fiche_siae(con, f_(), lec.scope, siret=autre).height == 0
        assert queries.mediane_groupe_siae(con, f_(), lec.scope, siret=autre).height == 0


# ---------- the LP attack ----------

ALEATOIRES = [f"aleatoire-{g}" for g in (1, 2, 3, 4, 5)]


@pytest.mark.parametrize("nom", ["adverse", *ALEATOIRES, "seed"])
def test_aucune_case_confidentielle_ne_se_deduit_pour_un_comite(nom):
    """Every confidential cell keeps its protection interval against each basin's committee,
    given every figure it can read and every figure of the SIAE of its basin."""
    ex = expositions(nom, lambda v: [lec for lec in lecteurs(v) if lec.nom.startswith("cta")])
    assert not ex, _rapport(ex)


@pytest.mark.parametrize("nom", ["adverse", *ALEATOIRES, "seed"])
def test_aucune_case_confidentielle_ne_se_deduit_pour_une_structure(nom):
    """The same against one structure of each (basin, type), which knows its own figures."""
    ex = expositions(nom, lambda v: [lec for lec in lecteurs(v) if lec.nom.startswith("structure")])
    # Found by this test: a structure's own figures pin cells of other (basin, type) through
    # the margins (adverse: the lone OUEST ETTI read OUEST x TOUS - OUEST x ACI - itself =
    # OUEST x EI, one SIAE); the defence now checks structures on every cell.
    assert not ex, _rapport(ex)


def test_comite_de_deux_bassins():
    """A committee member may sit for several basins (warehouse.roles): it knows both. The
    users file of this module declares NORD+EST and SUD+OUEST (see `utilisateurs`), so the
    publication is protected against them too."""
    ex = expositions("adverse", lambda v: [A.lecteur_cta(v, "NORD", "EST"), A.lecteur_cta(v, "SUD", "OUEST")])
    assert not ex, _rapport(ex)


@pytest.mark.parametrize("nom", ["adverse", "aleatoire-1"])
def test_une_modalite_sans_ligne_ne_revele_pas_un_zero_cache(nom):
    """A distribution lists only the modalities present: a hidden cell worth 0 must not be
    told by its missing row (the two structures of a cell have no woman, no FSE funding)."""
    ex = [e for e in expositions(nom, lambda v: [A.lecteur_cta(v, v.bassins[0])], absences=True) if e.valeur == 0]
    # Found by this test: a modality hidden at 0 had no row; every modality of the cube now
    # has its row (warehouse.diffusion).
    assert not ex, _rapport(ex)


def test_l_attaquant_mord_sans_les_connaissances(monkeypatch):
    """Protected against a reader who knows nothing, the cube gives way to a committee or a
    structure: the attacker must find it (else the tests above could not fail)."""
    monkeypatch.setattr(diffusion, "publication", functools.partial(publication.publication, connaissances=False))
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    lecs = [A.lecteur_cta(v, b) for b in v.bassins]
    ex = _expositions(v, A.observer(con, v, lecs[0]), lecs)
    assert ex, "l'attaquant ne trouve rien même contre un cube protégé sans les connaissances des lecteurs"
    assert any(e.case.bassin != "TOUS" and not e.lecteur.endswith(e.case.bassin) for e in ex)


# ---------- scripted attacks of the issue ----------

def _ligne(con, lec, f, **opts) -> dict:
    rows = queries.territoire(con, f, lec.scope, **opts).filter(pl.col("annee") == f.annee)
    assert rows.height == 1, (f, rows)
    return rows.row(0, named=True)


def test_a_soustraire_les_autres_bassins_et_ses_structures():
    """(a) cta NORD: department total - other basins - NORD's per-SIAE rows - SUD's other
    types = SUD's single ETTI."""
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    lec = A.lecteur_cta(v, "NORD")
    seule = next(s for s, c in v.siae.items() if c == ("SUD", "ETTI"))
    for col in ("nb_salaries", "chiffre_affaires", "nb_femmes"):  # etp_conventionnes: the public register
        tous = _ligne(con, lec, f_(None, "ETTI"))[col]
        autres = [_ligne(con, lec, f_(b, "ETTI"))[col] for b in v.bassins
                  if b not in ("NORD", "SUD") and (b, "ETTI") in v.siae.values()]
        siens = queries.siae(con, f_("NORD", "ETTI"), lec.scope)[col].sum()
        sud = [_ligne(con, lec, f_("SUD", t))[col] for t in v.types if t != "ETTI" and ("SUD", t) in v.siae.values()]
        sud_tous = _ligne(con, lec, f_("SUD"))[col]
        par_type = None if tous is None or None in autres else tous - sum(a or 0 for a in autres) - siens
        par_bassin = None if sud_tous is None or None in sud else sud_tous - sum(sud)
        vrai = v.valeur(seule, col, "")
        assert par_type is None or abs(par_type - vrai) > 1e-6, (col, "par le type", vrai)
        assert par_bassin is None or abs(par_bassin - vrai) > 1e-6, (col, "par le bassin", vrai)


@pytest.mark.parametrize("nom", ["adverse", *ALEATOIRES[:2]])
def test_b_c_un_ratio_ne_donne_pas_son_numerateur_cache(nom):
    """(b) part_femmes x nb_salaries, part_rsa x nb_salaries; (c) dynamic and sustainable exit
    rates x (exits - neutral exits): a hidden numerator is never the product of a published
    ratio and a published denominator, in any selection."""
    con = ouvrir(nom)
    v = A.verite(con, ANNEE)
    lec = A.lecteur_cta(v, v.bassins[0])
    confidentielles = A.confidentielles(v)
    fuites = []
    for b in (None, *v.bassins):
        for t in (None, *v.types):
            for r in queries.territoire(con, f_(b, t), lec.scope).iter_rows(named=True):
                for ratio, (num, den) in A.RATIOS.items():
                    cols = [c for c in (*num, *den) if c in r]
                    if r[ratio] is None or any(r[c] is None for c in den if c in r) or len(cols) < len(num) + len(den):
                        continue
                    for c in num:
                        if r[c] is None and A.Case(c, "", r["bassin"], r["type_siae"]) in confidentielles:
                            fuites.append((r["bassin"], r["type_siae"], ratio, c,
                                           r[ratio] * sum(a * r[d] for d, a in den.items())))
    assert not fuites, fuites


@pytest.mark.parametrize("nom", ["adverse", *ALEATOIRES[:2]])
def test_c_l_etp_d_encadrement_ne_donne_pas_une_fonction_cachee(nom):
    """(c) staff FTE and supervision FTE are sums of the FTE by function: with them published,
    one hidden function alone among published ones would be a subtraction away."""
    con = ouvrir(nom)
    v = A.verite(con, ANNEE)
    lec = A.lecteur_cta(v, v.bassins[0])
    confidentielles = A.confidentielles(v)
    fuites = []
    for b in (None, *v.bassins):
        for t in (None, *v.types):
            terr = queries.territoire(con, f_(b, t), lec.scope)
            if terr.height == 0:
                continue
            r = terr.row(0, named=True)
            fonc = {x["modalite"]: x["etp_permanents"] for x in
                    queries.personnel(con, f_(b, t), lec.scope, par="fonction").iter_rows(named=True)}
            encadrement = set(SUPERVISION_FUNCTIONS) & set(fonc)
            for total, groupe in (("etp_permanents", set(fonc)), ("etp_encadrement", encadrement)):
                caches = [m for m in groupe if fonc[m] is None]
                case = A.Case("personnel:fonction:etp_permanents", A.modalite(caches[0]) if caches else "",
                              b or A.TOUS, t or A.TOUS)
                # a cell hidden only to protect another may be found: it singles out nobody
                if r[total] is not None and len(caches) == 1 and case in confidentielles:
                    fuites.append((b, t, total, caches[0], r[total] - sum(fonc[m] for m in groupe if m not in caches)))
    assert not fuites, fuites


def test_d_une_mediane_sur_trois_structures_dont_deux_connues():
    """(d) EI: two structures in NORD, one in OUEST: cta NORD must not get a median over them
    (it would give the third); nor any median where 1 or 2 structures lie outside a basin."""
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    lec = A.lecteur_cta(v, "NORD")
    med = queries.medianes_siae(con, f_(None, "EI"), lec.scope).row(0, named=True)
    assert all(med[c] is None for c in queries.MEDIAN_COLUMNS), med
    siret = next(s for s in lec.connues if v.siae[s][1] == "EI")
    fiche = queries.mediane_groupe_siae(con, f_(), lec.scope, siret=siret).row(0, named=True)
    assert all(fiche[c] is None for c in queries.MEDIAN_COLUMNS), fiche
    # every median a committee can read: the structures outside its basin are 0 or >= 3
    for b in (None, *v.bassins):
        for t in (None, *v.types):
            row = queries.medianes_siae(con, f_(b, t), lec.scope).row(0, named=True)
            for c in queries.MEDIAN_COLUMNS:
                if row[c] is None:
                    continue
                groupe = [s for s in v.siae if v.dans(s, b or A.TOUS, t or A.TOUS)]
                for bassin in v.bassins:
                    dehors = [s for s in groupe if v.siae[s][0] != bassin]
                    # a median over unknown values only: the count of SIAE with the figure
                    avec = 0 if not dehors else con.sql(
                        f"select count({c}) from indicateurs_siae where list_contains($s, siret)",
                        params={"s": dehors}).fetchall()[0][0]
                    assert avec == 0 or avec >= 3, (b, t, c, bassin, avec)


def test_e_une_structure_retire_ses_chiffres_d_une_case_de_deux():
    """(e) NORD x EI has two structures: one of them reads the cell and subtracts itself."""
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    moi, autre = sorted(s for s, c in v.siae.items() if c == ("NORD", "EI"))
    lec = A.lecteur_structure(v, moi)
    r = _ligne(con, lec, f_("NORD", "EI"))
    for col in A.SCALAIRES:
        if col not in A.PUBLIQUES:  # the register is public
            assert r[col] is None, (col, r[col], "l'autre structure vaut", v.valeur(autre, col, ""))
    for x in queries.publics(con, f_("NORD", "EI"), lec.scope).iter_rows(named=True):
        assert x["nb_salaries"] is None, x
    ex = expositions("adverse", [lec])
    assert not [e for e in ex if (e.case.bassin, e.case.type_siae) == ("NORD", "EI")], _rapport(ex)


def test_f_le_ratio_de_fonds_propres_sur_une_seule_structure():
    """(f) NORD x ACI: three sets of accounts, one equity: fonds_propres_pct_ca would be that
    structure's equity over its turnover."""
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    une_aci = min(s for s, c in v.siae.items() if c == ("NORD", "ACI"))
    for lec in (A.lecteur_cta(v, "SUD"), A.lecteur_structure(v, une_aci)):
        r = _ligne(con, lec, f_("NORD", "ACI"))
        assert r["fonds_propres_pct_ca"] is None, r["fonds_propres_pct_ca"]
        for row in queries.territoire(con, f_("NORD"), lec.scope, par_type=True).iter_rows(named=True):
            if row["type_siae"] == "ACI":
                assert row["fonds_propres_pct_ca"] is None


def test_g_une_union_de_bassins_ou_de_types_est_refusee():
    con = ouvrir("adverse")
    v = A.verite(con, ANNEE)
    lec = A.lecteur_cta(v, "NORD")
    for f in (Filters(annee=ANNEE, bassins=("NORD", "EST")), Filters(annee=ANNEE, types=("ACI", "AI")),
              Filters(annee=ANNEE, bassins=("SUD", "OUEST"), types=("ETTI",))):
        for q in (queries.territoire, queries.publics, queries.sorties, queries.financement, queries.medianes_siae):
            with pytest.raises(diffusion.SelectionNonPubliee):
                q(con, f, lec.scope)
        with pytest.raises(diffusion.SelectionNonPubliee):
            queries.personnel(con, f, lec.scope, par="statut", benevoles=True)


@pytest.mark.parametrize("nom", ["aleatoire-2", "aleatoire-4"])
def test_h_le_registre_est_public(nom):
    """(h) etp_conventionnes - etp_insertion / taux_realisation_etp gives the agreed FTE of a
    SIAE that sent no salaries return. The register (SIAE, their agreed FTE) is public
    administrative information (README, « Qui voit quoi »): it is published as is, so this is
    no leak; the agreed FTE of every cell reads the same for an officer and a committee."""
    con = ouvrir(nom)
    v = A.verite(con, ANNEE)
    lec = A.lecteur_cta(v, v.bassins[0])
    for opts in ({}, {"par_bassin": True}, {"par_type": True}, {"par_bassin": True, "par_type": True}):
        restreint = queries.territoire(con, f_(), lec.scope, **opts)["etp_conventionnes"].to_list()
        tout = queries.territoire(con, f_(), Scope(), **opts)["etp_conventionnes"].to_list()
        assert restreint == tout
