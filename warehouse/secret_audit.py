"""The audit of statistical secrecy: what a reader can deduce from every published cell.

For each hidden cell and each kind of reader, two linear programmes (HiGHS) give the lowest
and the highest value the cell can take, given:
- every published cell of the year's cube (warehouse.publication), as an equality;
- the relations between cells that hold by construction: margins over basins and types
  (cells are sums of the finest cells, the "atoms"), distributions summing to their total
  (sex, age band, status... to the number of employees; exit motives to exits, and by
  category to dynamic, sustainable and neutral exits; FTE by function to staff FTE and the
  two supervising functions to supervision FTE; funding by funder to public funding), and
  the inequalities a reader knows (entries, exits and each difficulty at most the number
  of employees; an amount over the SIAE that gave two figures at most the amount over all);
- non-negativity, and what the reader knows: a committee member every figure of its basin
  (its atoms are fixed), a structure its own figures (each atom of its basin is at least
  the largest part one structure holds in it), the public nothing.

A confidential cell (one a primary rule hides) is protected when that range reaches `protection_relative` (20 %) of the part of the
cell the reader does not know on each side, and `protection_personnes` (2) persons for a
count; on the low side never below what the reader already knows to be the floor. This is
what tau-ARGUS calls the protection interval of an audit. When a cell is not protected,
the published cell that binds it (a non-zero dual of its row) with the smallest value is
hidden too, and the audit goes on: hiding a cell only widens every range, so a cell found
protected stays protected.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
import polars as pl

from contract import DYNAMIC_EXIT_CATEGORIES, MOTIF_CATEGORIES, SUPERVISION_FUNCTIONS
from warehouse import secrecy, settings
from warehouse.publication import FAMILLES, PERSONNEL_DIMENSIONS, PERSONNES, SANS_MODALITE, SIGNE, TOUS

INF = highspy.kHighsInf
PARTITIONS_PUBLICS = ("sexe", "tranche_age", "statut_entree", "orientation", "type_contrat")


@dataclass(frozen=True)
class Lecteur:
    """A kind of reader: `public` knows nothing; `cta` every figure of its `bassins`;
    `structure` its own figures (SIAE `siret`, of `bassins[0]` and `type_siae`)."""

    genre: str
    bassins: tuple[str, ...] = ()
    siret: str | None = None
    type_siae: str | None = None

    @property
    def nom(self) -> str:
        return {"public": "public", "cta": f"cta {'+'.join(self.bassins)}",
                "structure": f"structure {self.siret}"}[self.genre]


def lecteurs(contrib: pl.DataFrame, connaissances: bool = True,
             comites: tuple[tuple[str, ...], ...] = ()) -> list[Lecteur]:
    """The readers to protect against: the public, each basin's committee, every committee
    member of several basins declared in the users file (`comites`), each structure."""
    if not connaissances:
        return [Lecteur("public")]
    siae = contrib.select("siret", "bassin", "type_siae").unique().sort("siret")
    bassins = sorted(siae["bassin"].unique().to_list())
    ensembles = sorted({(b,) for b in bassins} | {tuple(sorted(c)) for c in comites if len(c) > 1})
    return [Lecteur("public"), *[Lecteur("cta", c) for c in ensembles],
            *[Lecteur("structure", (b,), s, t) for s, b, t in siae.iter_rows()]]


def _sans_banniere() -> None:
    """HiGHS prints a banner on the process's stdout (C level) at its first model: make that
    first model here, with stdout sent to /dev/null, so no command's output carries it."""
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


_sans_banniere()


def _highs() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    # many small re-solves of one model with another objective: warm-started primal simplex
    # without presolve is 5x faster here than the defaults (measured on the seed's cube)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 4)
    return h


class Systeme:
    """One component of one year's cube as a linear system: atoms (columns), cells and
    relations (rows)."""

    def __init__(self, cells: pl.DataFrame, contrib: pl.DataFrame):
        self.cells = cells.with_row_index("_i")
        fine = self.cells.filter((pl.col("bassin") != TOUS) & (pl.col("type_siae") != TOUS))
        self.atoms = fine.select("famille", "bassin", "type_siae", "modalite", "valeur")
        keys = list(zip(*(self.atoms[c].to_list() for c in ("famille", "bassin", "type_siae", "modalite"))))
        self.index = {k: j for j, k in enumerate(keys)}
        self.valeur_atome = np.array(self.atoms["valeur"].to_list(), dtype=float)
        part = (contrib.group_by("famille", "bassin", "type_siae", "modalite").agg(pl.col("valeur").max().alias("m")))
        self.part_max = np.zeros(len(keys))
        for f, b, t, m, v in part.iter_rows():
            j = self.index.get((f, b, t, m))
            if j is not None:
                self.part_max[j] = max(v, 0.0)
        self.propre: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        own = contrib.select("siret", "famille", "bassin", "type_siae", "modalite", "valeur")
        for (siret,), rows in own.partition_by("siret", as_dict=True).items():
            js, vs = [], []
            for _, f, b, t, m, v in rows.iter_rows():
                j = self.index.get((f, b, t, m))
                if j is not None:
                    js.append(j)
                    vs.append(v)
            self.propre[siret] = (np.array(js, dtype=np.int64), np.array(vs, dtype=float))
        self.atom_type = np.array([k[2] for k in keys], dtype=object)
        self.signe = np.array([FAMILLES[f].nature == SIGNE for f, *_ in keys])
        # atoms of each cell: a TOUS basin or type takes every atom of the others
        by_fm: dict[tuple[str, str], list[int]] = {}
        for (f, b, t, m), j in self.index.items():
            by_fm.setdefault((f, m), []).append(j)
        self.cell_atoms: list[np.ndarray] = []
        for f, b, t, m in self.cells.select("famille", "bassin", "type_siae", "modalite").iter_rows():
            js = [j for j in by_fm.get((f, m), [])
                  if (b == TOUS or keys[j][1] == b) and (t == TOUS or keys[j][2] == t)]
            self.cell_atoms.append(np.array(js, dtype=np.int32))
        self.valeur = np.array(self.cells["valeur"].to_list(), dtype=float)
        self.cell_bassin = np.array(self.cells["bassin"].to_list(), dtype=object)
        self.cell_type = np.array(self.cells["type_siae"].to_list(), dtype=object)
        self.non_vide = np.array([len(js) > 0 for js in self.cell_atoms])
        self.niveau = (self.cell_bassin == TOUS).astype(int) + (self.cell_type == TOUS).astype(int)
        self.famille = self.cells["famille"].to_list()
        self.personnes = np.array([FAMILLES[f].nature == PERSONNES for f in self.cells["famille"].to_list()])
        self.atom_bassin = np.array([k[1] for k in keys], dtype=object)
        self.liens = list(self._relations(keys))

    def _relations(self, keys):
        """(coefficients {atom: coef}, inequality?): equalities (= 0) and inequalities (<= 0)."""
        by_cell: dict[tuple[str, str, str], list[tuple[str, int]]] = {}
        for (f, b, t, m), j in self.index.items():
            by_cell.setdefault((f, b, t), []).append((m, j))
        dyn = {m for c in DYNAMIC_EXIT_CATEGORIES for m in MOTIF_CATEGORIES[c]}

        for b, t in sorted({(b, t) for _, b, t, _ in keys}):  # sorted: the same cube at every run
            def at(fam: str, modalites=None) -> list[int]:
                return [j for m, j in by_cell.get((fam, b, t), []) if modalites is None or m in modalites]

            total = at("nb_salaries")
            rel = [(at(f"publics:{dim}"), total, False) for dim in PARTITIONS_PUBLICS]
            rel += [
                (at("nb_femmes"), at("publics:sexe", {"F"}), False),
                (at("nb_rsa"), at("publics:statut_entree", {"RSA"}), False),
                (at("sorties"), at("nb_sorties"), False),
                (at("sorties", dyn), at("nb_sorties_dynamiques"), False),
                (at("sorties", set(MOTIF_CATEGORIES["EMPLOI_DURABLE"])), at("nb_sorties_emploi_durable"), False),
                (at("sorties", set(MOTIF_CATEGORIES["NEUTRE"])), at("nb_sorties_neutres"), False),
                (at("nb_entrees"), total, True),
                (at("nb_sorties"), total, True),
                *[([j], total, True) for j in at("publics:difficulte")],
                (at("personnel:fonction:etp_permanents"), at("etp_permanents"), False),
                (at("personnel:fonction:etp_permanents", set(SUPERVISION_FUNCTIONS)), at("etp_encadrement"), False),
                (at("financement"), at("financement_public"), False),
                (at("financement_public_ca_connu"), at("financement_public"), True),
                (at("chiffre_affaires_public_connu"), at("chiffre_affaires"), True),
                (at("chiffre_affaires_fonds_propres_connus"), at("chiffre_affaires"), True),
                (at("etp_conventionnes_retour_salaries"), at("etp_conventionnes"), True),
            ]
            for prefixe in ("personnel", "benevoles"):
                for mesure in ("nb_personnes", "etp_permanents"):
                    base = at(f"{prefixe}:fonction:{mesure}")
                    rel += [(at(f"{prefixe}:{dim}:{mesure}"), base, False) for dim in PERSONNEL_DIMENSIONS[1:]]
            for plus, moins, inegal in rel:
                # both sides must be in this component (a side of another one has no atom here)
                if not plus or (not moins and not inegal):
                    continue
                if inegal and not moins:
                    continue
                coefs: dict[int, float] = {}
                for j in plus:
                    coefs[j] = coefs.get(j, 0.0) + 1.0
                for j in moins:
                    coefs[j] = coefs.get(j, 0.0) - 1.0
                yield coefs, inegal

    def connu(self, lecteur: Lecteur) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the atoms for this reader."""
        lo = np.where(self.signe, -INF, 0.0)
        hi = np.full(len(self.valeur_atome), INF)
        if lecteur.genre == "cta":
            mine = np.isin(self.atom_bassin, list(lecteur.bassins))
            lo = np.where(mine, self.valeur_atome, lo)
            hi = np.where(mine, self.valeur_atome, hi)
        elif lecteur.genre == "structure":
            js, vs = self.propre.get(lecteur.siret, (np.zeros(0, dtype=np.int64), np.zeros(0)))
            keep = ~self.signe[js]
            lo = lo.copy()
            lo[js[keep]] = vs[keep]
        return lo, hi


class Audit:
    """The linear programme of one Systeme, read as one reader at a time (`lire_comme`);
    rows of hidden cells are left free."""

    def __init__(self, sys: Systeme, caches: set[int], conf: settings.Settings):
        self.sys, self.conf = sys, conf
        self.lo0, self.hi0 = sys.connu(Lecteur("public"))
        n_cells, n_atoms = len(sys.cell_atoms), len(self.lo0)
        rows, cols, vals, rlo, rhi = [], [], [], [], []
        for i, js in enumerate(sys.cell_atoms):
            rows += [i] * len(js)
            cols += js.tolist()
            vals += [1.0] * len(js)
            rlo.append(-INF if i in caches else sys.valeur[i])
            rhi.append(INF if i in caches else sys.valeur[i])
        for k, (coefs, inegal) in enumerate(sys.liens):
            rows += [n_cells + k] * len(coefs)
            cols += list(coefs)
            vals += list(coefs.values())
            rlo.append(-INF if inegal else 0.0)
            rhi.append(0.0)
        order = np.lexsort((np.array(rows), np.array(cols)))
        cols_s = np.array(cols, dtype=np.int64)[order]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_atoms, len(rlo)
        lp.col_cost_ = np.zeros(n_atoms)
        lp.col_lower_, lp.col_upper_ = self.lo0, self.hi0
        lp.row_lower_, lp.row_upper_ = np.array(rlo, dtype=float), np.array(rhi, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(cols_s, np.arange(n_atoms + 1)).astype(np.int32)
        lp.a_matrix_.index_ = np.array(rows, dtype=np.int32)[order]
        lp.a_matrix_.value_ = np.array(vals, dtype=float)[order]
        self.h = _highs()
        self.h.passModel(lp)
        self.objectif = np.array([], dtype=np.int32)
        self.modifiees = np.array([], dtype=np.int32)
        self.lire_comme(Lecteur("public"))

    def lire_comme(self, lecteur: Lecteur) -> None:
        """Set the atoms' bounds to what `lecteur` knows (one model for every reader: only
        the bounds change, and the simplex starts again from the last basis)."""
        sys = self.sys
        if len(self.modifiees):
            j = self.modifiees
            self.h.changeColsBounds(len(j), j, self.lo0[j], self.hi0[j])
        self.lecteur = lecteur
        self.lo, self.hi = sys.connu(lecteur)
        changed = np.nonzero((self.lo != self.lo0) | (self.hi != self.hi0))[0].astype(np.int32)
        if len(changed):
            self.h.changeColsBounds(len(changed), changed, self.lo[changed], self.hi[changed])
        self.modifiees = changed
        fixed = self.lo == self.hi
        self.fixe = np.where(fixed, self.lo, 0.0)
        self.plancher = np.where(np.isinf(self.lo), -np.inf, self.lo)
        if lecteur.genre == "structure":
            self.fixe = np.where(np.isinf(self.lo), 0.0, self.lo)  # its own parts
            # every cell with figures: its own figures pin cells it is not part of, through margins
            self.inconnue = sys.non_vide.copy()
        elif lecteur.genre == "cta":
            # a cell is unknown to a committee when one of its atoms lies outside its basin
            self.inconnue = np.array([bool(len(js)) and not fixed[js].all() for js in sys.cell_atoms])
        else:
            self.inconnue = np.array([bool(len(js)) for js in sys.cell_atoms])

    def liberer(self, i: int) -> None:
        """A cell is hidden: its row no longer constrains anything."""
        self.h.changeRowBounds(i, -INF, INF)

    def _optimum(self, atoms: np.ndarray, sens) -> tuple[float, np.ndarray | None]:
        h = self.h
        status = self._resoudre(atoms, np.ones(len(atoms)), sens)
        if status == highspy.HighsModelStatus.kUnbounded:
            return (INF if sens == highspy.ObjSense.kMaximize else -INF), None
        if status != highspy.HighsModelStatus.kOptimal:
            # the true values satisfy every row: a failure here is numerical, so the cell is
            # taken as not protected rather than trusted
            return float("nan"), None
        return h.getInfo().objective_function_value, np.array(h.getSolution().row_dual)

    def exigence(self, i: int) -> tuple[float, float]:
        """How far below and above its true value the cell must be able to go."""
        js = self.sys.cell_atoms[i]
        vrai = self.sys.valeur[i]
        connu = float(self.fixe[js].sum())
        p = self.conf.protection_relative * abs(vrai - connu)
        if self.sys.personnes[i]:
            p = max(p, float(self.conf.protection_personnes))
        plancher = float(self.plancher[js].sum())
        bas = p if np.isinf(plancher) else min(p, vrai - plancher)
        return bas, p

    def prevalider(self, cells: list[int], tours: int = 8, graine: int = 0) -> set[int]:
        """The cells of `cells` shown protected by a few solves that move all of them at
        once (random positive weights): one vertex that reaches a cell's required high (or
        low) value proves that side. What is left needs its own two solves (`verifier`)."""
        rng = np.random.default_rng(graine)
        sys = self.sys
        bornes = {i: self.exigence(i) for i in cells}
        haut_ok, bas_ok = set(), set()
        for sens, ok in ((highspy.ObjSense.kMaximize, haut_ok), (highspy.ObjSense.kMinimize, bas_ok)):
            for _ in range(tours):
                todo = [i for i in cells if i not in ok]
                if not todo:
                    break
                avant = len(ok)
                w = np.zeros(len(self.lo))
                for i in todo:
                    w[sys.cell_atoms[i]] += rng.uniform(0.5, 1.5)
                atoms = np.nonzero(w)[0].astype(np.int32)
                if self._resoudre(atoms, w[atoms], sens) != highspy.HighsModelStatus.kOptimal:
                    break
                x = np.array(self.h.getSolution().col_value)
                for i in todo:
                    v, vrai, (bas, haut) = x[sys.cell_atoms[i]].sum(), sys.valeur[i], bornes[i]
                    tol = 1e-6 * (1.0 + abs(vrai))
                    if (sens == highspy.ObjSense.kMaximize and v >= vrai + haut - tol) or \
                            (sens == highspy.ObjSense.kMinimize and v <= vrai - bas + tol):
                        ok.add(i)
                if len(ok) == avant:
                    break
        return haut_ok & bas_ok

    def _resoudre(self, atoms: np.ndarray, poids: np.ndarray, sens):
        h = self.h
        if len(self.objectif):
            h.changeColsCost(len(self.objectif), self.objectif, np.zeros(len(self.objectif)))
        h.changeColsCost(len(atoms), atoms, poids)
        self.objectif = atoms
        h.changeObjectiveSense(sens)
        h.run()
        return h.getModelStatus()

    def verifier(self, i: int) -> tuple[float, float, np.ndarray | None]:
        """(low, high, duals of the side that fails, None when protected)."""
        js = self.sys.cell_atoms[i]
        vrai = self.sys.valeur[i]
        bas, haut = self.exigence(i)
        tol = 1e-6 * (1.0 + abs(vrai))
        lo, d_lo = self._optimum(js, highspy.ObjSense.kMinimize)
        if not (lo <= vrai - bas + tol):
            return lo, float("nan"), d_lo if d_lo is not None else np.zeros(0)
        hi, d_hi = self._optimum(js, highspy.ObjSense.kMaximize)
        if not (hi >= vrai + haut - tol):
            return lo, hi, d_hi if d_hi is not None else np.zeros(0)
        return lo, hi, None


def _candidat(audit: Audit, duals: np.ndarray, caches: set[int], cible: int) -> int | None:
    """The published cell to hide so that `cible` is no longer pinned: among the cells whose
    row binds the optimum and that the reader does not know, the most detailed (a basin x
    type cell before a margin, a margin before the department), then the smallest."""
    sys = audit.sys
    n = len(sys.cell_atoms)
    best, best_key = None, None
    for i in np.nonzero(np.abs(duals[:n]) > 1e-9)[0] if len(duals) else []:
        i = int(i)
        if i in caches or not audit.inconnue[i]:
            continue
        key = (sys.niveau[i], abs(sys.valeur[i]), sys.famille[i] != sys.famille[cible], i)
        if best_key is None or key < best_key:
            best, best_key = i, key
    return best


def proteger(sys: Systeme, caches: dict[int, str], lecteurs_: list[Lecteur],
             conf: settings.Settings) -> list[tuple[Lecteur, int]]:
    """Hide more cells of `sys` (in `caches`, cell -> reason) until every confidential cell
    (hidden by a primary rule) is protected against every reader; returns the ones that
    could not be. A cell hidden to protect another is not confidential itself (its value
    singles out nobody), so it needs no interval of its own, as in tau-ARGUS."""
    confidentielles = sorted(caches)
    echecs: list[tuple[Lecteur, int]] = []
    audit = Audit(sys, set(caches), conf)
    for lec in lecteurs_:
        audit.lire_comme(lec)
        todo = [i for i in confidentielles if audit.inconnue[i]]
        ok = audit.prevalider(todo)
        for i in (i for i in todo if i not in ok):
            while True:
                _, _, duals = audit.verifier(i)
                if duals is None:
                    break
                j = _candidat(audit, duals, set(caches), i)
                if j is None:
                    echecs.append((lec, i))
                    break
                caches[j] = secrecy.REASON_SECONDARY
                audit.liberer(j)
    # hiding a cell only widens every range: what the earlier readers saw protected still is
    return echecs


def composantes(cells: pl.DataFrame) -> dict[str, pl.DataFrame]:
    comp = pl.col("famille").replace_strict({n: f.composante for n, f in FAMILLES.items()})
    return {k[0]: df.drop("_c") for k, df in cells.with_columns(comp.alias("_c")).partition_by("_c", as_dict=True).items()}


def suppression_secondaire(cells: pl.DataFrame, contrib: pl.DataFrame, conf: settings.Settings,
                           *, connaissances: bool = True, comites: tuple = ()) -> pl.DataFrame:
    """`cells` with `raison` completed so that no reader can narrow a hidden cell too much."""
    if cells.is_empty():
        return cells
    out = []
    for _, part in composantes(cells).items():
        sys = Systeme(part, contrib.filter(pl.col("famille").is_in(part["famille"].unique().to_list())))
        reasons = part["raison"].to_list()
        caches = {i: r for i, r in enumerate(reasons) if r is not None}
        proteger(sys, caches, lecteurs(contrib, connaissances, comites), conf)
        out.append(part.with_columns(pl.Series("raison", [caches.get(i) for i in range(part.height)],
                                               dtype=pl.String)))
    return pl.concat(out).sort("famille", "bassin", "type_siae", "modalite")


def exposees(cells: pl.DataFrame, contrib: pl.DataFrame, conf: settings.Settings,
             lecteurs_: list[Lecteur] | None = None, comites: tuple = ()) -> pl.DataFrame:
    """The audit alone: each confidential cell a reader can narrow below its protection interval,
    with the range it finds (lecteur, famille, bassin, type_siae, modalite, valeur, min, max)."""
    rows = []
    for _, part in composantes(cells).items():
        sys = Systeme(part, contrib.filter(pl.col("famille").is_in(part["famille"].unique().to_list())))
        reasons = part["raison"].to_list()
        caches = {i for i, r in enumerate(reasons) if r is not None}
        confidentielles = [i for i in sorted(caches) if reasons[i] != secrecy.REASON_SECONDARY]
        audit = Audit(sys, caches, conf)
        for lec in lecteurs_ or lecteurs(contrib, comites=comites):
            audit.lire_comme(lec)
            for i in confidentielles:
                if not audit.inconnue[i]:
                    continue
                lo, hi, duals = audit.verifier(i)
                if duals is not None:
                    f, b, t, m = part.row(i, named=True)["famille"], part["bassin"][i], part["type_siae"][i], \
                        part["modalite"][i]
                    rows.append((lec.nom, f, b, t, m, sys.valeur[i], lo, hi))
    return pl.DataFrame(rows, schema=["lecteur", "famille", "bassin", "type_siae", "modalite", "valeur", "min", "max"],
                        orient="row")
