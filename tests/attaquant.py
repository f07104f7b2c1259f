"""A determined reader of the restricted views, written apart from the defence.

It gathers what a committee member or a structure SEES (only through warehouse.queries, as
pages call them), what it KNOWS (the figures of its own SIAE, taken from the tables), and
solves linear programmes (HiGHS) over one unknown per SIAE, family and modality to find the
range of each confidential cell (primary rules recomputed here from the truth). Nothing of
warehouse.publication or warehouse.secret_audit is used: only the rules of the issue.
"""

from __future__ import annotations

import contextlib
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import highspy
import numpy as np

from contract import DYNAMIC_EXIT_CATEGORIES, MOTIF_CATEGORIES, SUPERVISION_FUNCTIONS
from tests import entrepot_secret
from warehouse import queries
from warehouse.scope import Filters, Scope

ROOT = Path(__file__).resolve().parent.parent
TOUS = "TOUS"
VIDE = "∅"  # a NULL modality
SEUIL_PERSONNES, SEUIL_STRUCTURES, DOMINANCE, RELATIVE, PERSONNES_MIN = 5, 3, 0.85, 0.20, 2

# Families: territory columns summed over the SIAE that gave them.
SCALAIRES = ("nb_salaries", "nb_entrees", "nb_sorties", "nb_sorties_dynamiques", "nb_sorties_emploi_durable",
             "nb_sorties_neutres", "nb_femmes", "nb_rsa", "etp_conventionnes", "etp_insertion", "etp_permanents",
             "etp_encadrement", "chiffre_affaires", "financement_public")
# Sums over the SIAE that gave two figures, only seen through a ratio: family -> (base, other figure)
COPIES = {"etp_conventionnes_retour_salaries": ("etp_conventionnes", "nb_salaries"),
          "financement_public_ca_connu": ("financement_public", "chiffre_affaires"),
          "chiffre_affaires_public_connu": ("chiffre_affaires", "financement_public"),
          "chiffre_affaires_fonds_propres_connus": ("chiffre_affaires", "fonds_propres"),
          "fonds_propres_ca_connu": ("fonds_propres", "chiffre_affaires")}
# ratio column -> {family: coefficient of the numerator side, ...} and the denominator's
RATIOS = {
    "taux_realisation_etp": ({"etp_insertion": 1}, {"etp_conventionnes_retour_salaries": 1}),
    "taux_sortie_dynamique": ({"nb_sorties_dynamiques": 1}, {"nb_sorties": 1, "nb_sorties_neutres": -1}),
    "taux_emploi_durable": ({"nb_sorties_emploi_durable": 1}, {"nb_sorties": 1, "nb_sorties_neutres": -1}),
    "part_femmes": ({"nb_femmes": 1}, {"nb_salaries": 1}),
    "part_rsa": ({"nb_rsa": 1}, {"nb_salaries": 1}),
    "ratio_public_ca": ({"financement_public_ca_connu": 1}, {"chiffre_affaires_public_connu": 1}),
    "fonds_propres_pct_ca": ({"fonds_propres_ca_connu": 1}, {"chiffre_affaires_fonds_propres_connus": 1}),
}
DIMS_PUBLICS = ("sexe", "tranche_age", "statut_entree", "orientation", "type_contrat", "difficulte")
DIMS_PERSONNEL = ("fonction", "statut", "niveau_diplome", "formation_suivie")
SIGNEES = {"fonds_propres_ca_connu"}
# The register is public administrative information: every reader knows each SIAE's agreed FTE.
PUBLIQUES = {"etp_conventionnes", "etp_conventionnes_retour_salaries"}


COMPOSANTES = ("publics", "etp", "personnel", "benevoles", "finances")  # no relation links two of them


def composante(fam: str) -> str:
    if fam.startswith(("publics:", "sorties")) or fam.startswith("nb_"):
        return "publics"
    if fam.startswith("benevoles:"):
        return "benevoles"
    if fam.startswith("personnel:") or fam in ("etp_permanents", "etp_encadrement"):
        return "personnel"
    if fam.startswith("etp_"):
        return "etp"
    return "finances"


def personnes(fam: str) -> bool:
    return fam.startswith(("nb_", "publics:", "sorties")) or fam.endswith(":nb_personnes")


def modalite(v) -> str:
    if v is None:
        return VIDE
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


# ---------- the truth ----------

@dataclass
class Verite:
    """Per-SIAE figures of one year, read from the tables (what a reader knows of its own SIAE)."""

    annee: int
    siae: dict[str, tuple[str, str]]  # siret -> (bassin, type)
    valeurs: dict[str, dict[tuple[str, str], float]]  # siret -> {(famille, modalite): value}
    declare: dict[str, set[str]]  # siret -> families it gave
    modalites: dict[str, list[str]]  # famille -> modalities of the code list met this year
    bassins: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)

    def dans(self, s: str, b: str, t: str) -> bool:
        sb, st = self.siae[s]
        return (b == TOUS or sb == b) and (t == TOUS or st == t)

    def valeur(self, s: str, fam: str, mod: str) -> float:
        return self.valeurs[s].get((fam, mod), 0.0)


def verite(con: duckdb.DuckDBPyConnection, annee: int) -> Verite:
    p = {"annee": annee}
    rows = con.sql(f"""select siret, bassin, type_siae, retour_salaries, retour_personnel, retour_finances,
        {", ".join(SCALAIRES)}, fonds_propres from indicateurs_siae where annee = $annee""", params=p).fetchall()
    siae, vals, decl = {}, {}, {}
    mods: dict[str, set[str]] = {}
    for r in rows:
        s, b, t, rs, rp, rf = r[:6]
        figures = dict(zip((*SCALAIRES, "fonds_propres"), r[6:]))
        siae[s] = (b, t)
        vals[s] = {}
        decl[s] = set()
        for fam, v in figures.items():
            if v is not None and fam != "fonds_propres":
                vals[s][(fam, "")] = float(v)
                decl[s].add(fam)
        figures["nb_salaries"] = figures["nb_salaries"] if rs else None
        for fam, (base, autre) in COPIES.items():
            if figures[base] is not None and figures[autre] is not None:
                vals[s][(fam, "")] = float(figures[base])
                decl[s].add(fam)
        if rs:
            decl[s] |= {f"publics:{d}" for d in DIMS_PUBLICS} | {"sorties"}
        if rp:
            decl[s] |= {f"{pre}:{d}:{m}" for pre in ("personnel", "benevoles") for d in DIMS_PERSONNEL
                        for m in ("nb_personnes", "etp_permanents")}
        if rf:
            decl[s].add("financement")

    def add(fam, s, mod, v):
        mod = modalite(mod)
        mods.setdefault(fam, set()).add(mod)
        if s in vals:
            vals[s][(fam, mod)] = vals[s].get((fam, mod), 0.0) + float(v)

    for s, d, m, v in con.sql("select siret, dimension, modalite, nb_salaries from publics_repartition "
                              "where annee = $annee", params=p).fetchall():
        add(f"publics:{d}", s, m, v)
    for s, m, v in con.sql("select siret, motif_sortie, nb_sorties from sorties_par_categorie where annee = $annee",
                           params=p).fetchall():
        add("sorties", s, m, v)
    for dim in DIMS_PERSONNEL:
        for s, ben, m, n, e in con.sql(f"""select siret, est_benevole, {dim}, sum(nb_personnes), sum(etp_permanents)
                from personnel_par_fonction where annee = $annee group by all""", params=p).fetchall():
            pre = "benevoles" if ben else "personnel"
            add(f"{pre}:{dim}:nb_personnes", s, m, n)
            add(f"{pre}:{dim}:etp_permanents", s, m, e)
    for s, m, v in con.sql("select siret, financeur, montant from financement_par_financeur where annee = $annee",
                           params=p).fetchall():
        add("financement", s, m, v)
    for fam in (*SCALAIRES, *COPIES):
        mods[fam] = {""}
    return Verite(annee, siae, vals, decl, {f: sorted(m) for f, m in mods.items()},
                  sorted({b for b, _ in siae.values()}), sorted({t for _, t in siae.values()}))


# ---------- confidential cells (primary rules, recomputed) ----------

@dataclass(frozen=True)
class Case:
    famille: str
    modalite: str
    bassin: str
    type_siae: str


def confidentielles(v: Verite) -> dict[Case, float]:
    """Every cell a primary rule hides, with its true value."""
    out = {}
    for fam, mods in v.modalites.items():
        if fam in PUBLIQUES:
            continue
        for b in (*v.bassins, TOUS):
            for t in (*v.types, TOUS):
                decl = [s for s in v.siae if v.dans(s, b, t) and fam in v.declare[s]]
                if not decl:
                    continue
                for m in mods:
                    parts = [v.valeur(s, fam, m) for s in decl]
                    tot, contrib = sum(parts), sum(1 for x in parts if x != 0)
                    absolu = sum(abs(x) for x in parts)
                    if ((personnes(fam) and 0 < tot < SEUIL_PERSONNES) or len(decl) < SEUIL_STRUCTURES
                            or (tot != 0 and contrib < SEUIL_STRUCTURES)
                            or (not personnes(fam) and absolu > 0 and max(abs(x) for x in parts) / absolu > DOMINANCE)):
                        out[Case(fam, m, b, t)] = tot
    return out


# ---------- what a reader sees ----------

@dataclass(frozen=True)
class Lecteur:
    nom: str
    scope: Scope
    connues: frozenset[str]  # the SIAE whose figures it knows


def lecteur_cta(v: Verite, *bassins: str) -> Lecteur:
    return Lecteur(f"cta {'+'.join(bassins)}", Scope(bassins=bassins, secret_statistique=True, personnes=False),
                   frozenset(s for s, (b, _) in v.siae.items() if b in bassins))


def lecteur_structure(v: Verite, siret: str) -> Lecteur:
    b, t = v.siae[siret]
    return Lecteur(f"structure {siret} ({b} {t})", Scope(sirets=(siret,), secret_statistique=True, personnes=False),
                   frozenset({siret}))


# an observation: (bassin, type) cell, {(famille, modalite): coefficient}, value
Observation = tuple[str, str, dict, float]


def observer(con, v: Verite, lec: Lecteur, absences: bool = True) -> list[Observation]:
    """Every figure the reader can read, for every selection it can make. `absences`: a
    modality with no row in a distribution is read as 0 (the rows list only what exists)."""
    obs: list[Observation] = []
    y = v.annee
    for b in (None, *v.bassins):
        for t in (None, *v.types):
            f = Filters(annee=y, bassins=(b,) if b else (), types=(t,) if t else ())
            cell = (b or TOUS, t or TOUS)
            for opts in ({}, {"par_bassin": True}, {"par_type": True}, {"par_bassin": True, "par_type": True}):
                if (b and opts.get("par_bassin")) or (t and opts.get("par_type")):
                    continue  # the same rows as without the option
                for r in queries.territoire(con, f, lec.scope, **opts).iter_rows(named=True):
                    if r["annee"] != y:
                        continue
                    c = (r["bassin"], r["type_siae"])
                    for col in SCALAIRES:
                        if r[col] is not None:
                            obs.append((*c, {(col, ""): 1.0}, float(r[col])))
                    for col, (num, den) in RATIOS.items():
                        if r[col] is not None:
                            coefs = {(k, ""): float(a) for k, a in num.items()}
                            for k, a in den.items():
                                coefs[(k, "")] = coefs.get((k, ""), 0.0) - a * float(r[col])
                            obs.append((*c, coefs, 0.0))
            obs += _repartition(v, cell, queries.publics(con, f, lec.scope), "dimension", "modalite",
                                {"nb_salaries": "publics:{}"}, absences)
            obs += _repartition(v, cell, queries.sorties(con, f, lec.scope), None, "motif_sortie",
                                {"nb_sorties": "sorties"}, absences)
            for par in DIMS_PERSONNEL:
                for ben, pre in ((False, "personnel"), (True, "benevoles")):
                    rows = queries.personnel(con, f, lec.scope, par=par, benevoles=ben)
                    obs += _repartition(v, cell, rows, None, "modalite",
                                        {"nb_personnes": f"{pre}:{par}:nb_personnes",
                                         "etp_permanents": f"{pre}:{par}:etp_permanents"}, absences)
            fin = queries.financement(con, f, lec.scope)
            obs += _repartition(v, cell, fin.filter(fin["annee"] == y), None, "financeur",
                                {"montant": "financement"}, absences)
    return obs


def _repartition(v: Verite, cell, rows, dim_col, mod_col, mesures, absences=True) -> list[Observation]:
    """Published modalities as equalities; a modality of the code list with no row is 0."""
    out = []
    for col, gabarit in mesures.items():
        vus: dict[str, set[str]] = {}
        for r in rows.iter_rows(named=True):
            fam = gabarit.format(r[dim_col]) if dim_col else gabarit
            m = modalite(r[mod_col])
            vus.setdefault(fam, set()).add(m)
            if r[col] is not None:
                out.append((*cell, {(fam, m): 1.0}, float(r[col])))
        familles = [gabarit.format(d) for d in DIMS_PUBLICS] if dim_col else [gabarit]
        for fam in familles if absences else ():
            for m in v.modalites.get(fam, []):
                if m not in vus.get(fam, set()):
                    out.append((*cell, {(fam, m): 1.0}, 0.0))
    return out


# ---------- the linear programme ----------

def _highs() -> highspy.Highs:
    with contextlib.redirect_stdout(io.StringIO()):
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    # one model re-solved with many objectives: warm-started primal simplex, no presolve
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 4)
    return h


@dataclass
class Exposition:
    lecteur: str
    case: Case
    valeur: float
    connu: float
    mini: float
    maxi: float
    exigence: tuple[float, float]  # the low and high bounds the range had to reach

    def __str__(self):
        c = self.case
        return (f"{self.lecteur}: {c.famille}[{c.modalite}] {c.bassin} x {c.type_siae} = {self.valeur:g} "
                f"(connu {self.connu:g}) : intervalle [{self.mini:g} ; {self.maxi:g}], "
                f"exigé [{self.exigence[0]:g} ; {self.exigence[1]:g}]")


class Programme:
    """One component's unknowns: every figure of every SIAE, and what every reader sees; read
    as one reader at a time (`lire_comme` fixes the figures of the SIAE it knows)."""

    def __init__(self, v: Verite, comp: str, obs: list[Observation]):
        self.v = v
        self.lec = Lecteur("public", None, frozenset())
        self.col: dict[tuple[str, str, str], int] = {}
        lo: list[float] = []
        for s in sorted(v.siae):
            for fam in sorted(v.declare[s]):
                if composante(fam) != comp or fam in COPIES and fam not in SIGNEES:
                    continue
                for m in v.modalites.get(fam, [""]):
                    self.col[(s, fam, m)] = len(lo)
                    lo.append(-highspy.kHighsInf if fam in SIGNEES else 0.0)
        rows: list[tuple[dict[int, float], float, float]] = []
        for b, t, coefs, val in obs:
            if composante(next(iter(coefs))[0]) != comp:
                continue
            lin, _ = self.expression(b, t, coefs)
            if lin:
                rows.append((lin, val, val))
        rows += self._relations()
        self.n = len(lo)
        self.lo0 = np.array(lo, dtype=float)
        h = self.h = _highs()
        inf = highspy.kHighsInf
        h.addVars(self.n, self.lo0, np.full(self.n, inf))
        for lin, a, z in rows:
            idx = np.array(list(lin), dtype=np.int32)
            h.addRow(a, z, len(idx), idx, np.array(list(lin.values()), dtype=float))

    def lire_comme(self, lec: Lecteur) -> None:
        """The figures of the SIAE `lec` knows are fixed to their true values."""
        lo, hi = self.lo0.copy(), np.full(self.n, highspy.kHighsInf)
        for (s, fam, m), j in self.col.items():
            if s in lec.connues or fam in PUBLIQUES:
                lo[j] = hi[j] = self.v.valeur(s, fam, m)
        self.lec = lec
        self.h.changeColsBounds(self.n, np.arange(self.n, dtype=np.int32), lo, hi)

    def var(self, s: str, fam: str, m: str) -> int | None:
        if fam in COPIES and fam not in SIGNEES:
            fam = COPIES[fam][0]  # the same figure as its base, for the SIAE that gave both
        return self.col.get((s, fam, m))

    def expression(self, b: str, t: str, coefs: dict) -> tuple[dict[int, float], float]:
        lin: dict[int, float] = {}
        const = 0.0
        for (fam, m), a in coefs.items():
            for s in self.v.siae:
                if not self.v.dans(s, b, t) or fam not in self.v.declare[s]:
                    continue
                if s in self.lec.connues:
                    const += a * self.v.valeur(s, fam, m)
                else:
                    j = self.var(s, fam, m)
                    if j is not None:
                        lin[j] = lin.get(j, 0.0) + a
        return {j: a for j, a in lin.items() if a != 0}, const

    def _relations(self):
        """What holds for each SIAE, known to any reader of the code lists and definitions."""
        inf = highspy.kHighsInf
        dyn = {m for c in DYNAMIC_EXIT_CATEGORIES for m in MOTIF_CATEGORIES[c]}
        par_siae: dict[str, dict[str, list[tuple[str, int]]]] = {}
        for (s, fam, m), j in self.col.items():
            par_siae.setdefault(s, {}).setdefault(fam, []).append((m, j))
        for s, familles in par_siae.items():
            def x(fam, mods=None):
                return [j for m, j in familles.get(fam, []) if mods is None or m in mods]

            def egal(plus, moins, inegal=False):
                if plus and moins:
                    coefs = {}
                    for j in plus:
                        coefs[j] = coefs.get(j, 0.0) + 1.0
                    for j in moins:
                        coefs[j] = coefs.get(j, 0.0) - 1.0
                    return [(coefs, -inf if inegal else 0.0, 0.0)]
                return []

            tot = x("nb_salaries")
            out = []
            for d in DIMS_PUBLICS[:-1]:
                out += egal(x(f"publics:{d}"), tot)
            out += egal(x("nb_femmes"), x("publics:sexe", {"F"}))
            out += egal(x("nb_rsa"), x("publics:statut_entree", {"RSA"}))
            out += egal(x("sorties"), x("nb_sorties"))
            out += egal(x("sorties", dyn), x("nb_sorties_dynamiques"))
            out += egal(x("sorties", set(MOTIF_CATEGORIES["EMPLOI_DURABLE"])), x("nb_sorties_emploi_durable"))
            out += egal(x("sorties", set(MOTIF_CATEGORIES["NEUTRE"])), x("nb_sorties_neutres"))
            out += egal(x("nb_entrees"), tot, True) + egal(x("nb_sorties"), tot, True)
            for j in x("publics:difficulte"):
                out += egal([j], tot, True)
            for pre in ("personnel", "benevoles"):
                for mes in ("nb_personnes", "etp_permanents"):
                    for d in DIMS_PERSONNEL[1:]:
                        out += egal(x(f"{pre}:{d}:{mes}"), x(f"{pre}:fonction:{mes}"))
            out += egal(x("personnel:fonction:etp_permanents"), x("etp_permanents"))
            out += egal(x("personnel:fonction:etp_permanents", set(SUPERVISION_FUNCTIONS)), x("etp_encadrement"))
            out += egal(x("financement"), x("financement_public"))
            yield from out

    def _optimiser(self, poids: dict[int, float], sens) -> tuple[str, float, np.ndarray | None]:
        h = self.h
        cost = np.zeros(self.n)
        for j, w in poids.items():
            cost[j] = w
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        h.changeObjectiveSense(sens)
        h.run()
        st = h.getModelStatus()
        if st == highspy.HighsModelStatus.kOptimal:
            return "ok", h.getInfo().objective_function_value, np.array(h.getSolution().col_value)
        if st == highspy.HighsModelStatus.kUnbounded:
            return "inf", 0.0, None
        return str(st), float("nan"), None

    def attaquer(self, cases: dict[Case, float], graine: int = 0) -> list[Exposition]:
        """The confidential cells this reader can narrow below their protection interval."""
        v, MAX, MIN = self.v, highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize
        todo = {}
        for c, vrai in cases.items():
            lin, connu = self.expression(c.bassin, c.type_siae, {(c.famille, c.modalite): 1.0})
            if not lin:
                continue  # it knows every part of this cell
            p = RELATIVE * abs(vrai - connu)
            if personnes(c.famille):
                p = max(p, PERSONNES_MIN)
            bas = vrai - p if c.famille in SIGNEES else max(vrai - p, connu)
            todo[c] = (lin, connu, vrai, bas, vrai + p)
        rng = random.Random(graine)
        prouve = {MAX: set(), MIN: set()}
        for sens in (MAX, MIN):
            for _ in range(12):  # many cells at once: one vertex proves each cell it pushes far enough
                reste = [c for c in todo if c not in prouve[sens]]
                if not reste:
                    break
                poids: dict[int, float] = {}
                for c in reste:
                    w = rng.uniform(0.5, 1.5) / max(1.0, abs(todo[c][2]))
                    for j, a in todo[c][0].items():
                        poids[j] = poids.get(j, 0.0) + w * a
                st, _, x = self._optimiser(poids, sens)
                if x is None:
                    break
                avant = len(prouve[sens])
                for c in reste:
                    lin, connu, vrai, bas, haut = todo[c]
                    val = connu + sum(a * x[j] for j, a in lin.items())
                    tol = 1e-6 * (1 + abs(vrai))
                    if (sens == MAX and val >= haut - tol) or (sens == MIN and val <= bas + tol):
                        prouve[sens].add(c)
                if len(prouve[sens]) == avant:
                    break
        out = []
        for c, (lin, connu, vrai, bas, haut) in todo.items():
            if c in prouve[MAX] and c in prouve[MIN]:
                continue
            st1, lo, _ = self._optimiser(lin, MIN)
            st2, hi, _ = self._optimiser(lin, MAX)
            lo = -np.inf if st1 == "inf" else lo + connu
            hi = np.inf if st2 == "inf" else hi + connu
            tol = 1e-6 * (1 + abs(vrai))
            if not (lo <= bas + tol and hi >= haut - tol):
                out.append(Exposition(self.lec.nom, c, vrai, connu, lo, hi, (bas, haut)))
        return out


def attaquer(con, v: Verite, lec: Lecteur, cases: dict[Case, float] | None = None) -> list[Exposition]:
    """Every exposure of a confidential cell to `lec`, over all components."""
    cases = confidentielles(v) if cases is None else cases
    obs = observer(con, v, lec)
    out = []
    for comp in ("publics", "etp", "personnel", "benevoles", "finances"):
        prog = Programme(v, lec, comp, obs)
        out += prog.attaquer({c: x for c, x in cases.items() if composante(c.famille) == comp})
    return out


# ---------- small warehouses the queries can read ----------

def entrepot(path: Path, siaes: list[entrepot_secret.Siae], annee: int = 2025) -> duckdb.DuckDBPyConnection:
    """tests.entrepot_secret's tables, completed with the columns and views warehouse.queries reads
    (labels, basin and type on the marts, indicateurs_territoire from sql/marts)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = entrepot_secret.ecrire(path, siaes, annee)
    cat = ", ".join(f"when motif_sortie in ({', '.join(repr(m) for m in ms)}) then '{c}'"
                    for c, ms in MOTIF_CATEGORIES.items())
    dyn = ", ".join(repr(c) for c in DYNAMIC_EXIT_CATEGORIES)
    ident = "join (select annee, siret, bassin, type_siae from indicateurs_siae) i using (annee, siret)"
    con.execute(f"""
        create or replace table indicateurs_siae as select *, true as retour_structure,
            retour_salaries and retour_personnel and retour_finances as retour_complet,
            'Commune' as nom_commune,
            etp_insertion / nullif(etp_conventionnes, 0) as taux_realisation_etp,
            nb_femmes / nullif(nb_salaries, 0) as part_femmes,
            nb_sorties_dynamiques / nullif(nb_sorties - nb_sorties_neutres, 0) as taux_sortie_dynamique,
            nb_sorties_emploi_durable / nullif(nb_sorties - nb_sorties_neutres, 0) as taux_emploi_durable,
            etp_insertion / nullif(etp_encadrement, 0) as taux_encadrement,
            financement_public / nullif(chiffre_affaires, 0) as ratio_public_ca,
            fonds_propres / nullif(chiffre_affaires, 0) as fonds_propres_pct_ca,
            financement_public / nullif(etp_insertion, 0) as cout_public_par_etp
        from indicateurs_siae;
        create or replace table publics_repartition as select p.*, dimension as dimension_libelle,
            modalite as libelle, 1 as rang, bassin, type_siae from publics_repartition p {ident};
        create or replace table sorties_par_categorie as select s.*,
            case {cat.replace(", when", " when")} end as categorie, 'c' as categorie_libelle,
            categorie in ({dyn}) as dynamique, motif_sortie as motif_libelle, bassin, type_siae
            from sorties_par_categorie s {ident};
        create or replace table personnel_par_fonction as select p.*, fonction as fonction_libelle,
            statut as statut_libelle, niveau_diplome::varchar as niveau_diplome_libelle, bassin, type_siae
            from personnel_par_fonction p {ident};
        create or replace table financement_par_financeur as select f.*, financeur as financeur_libelle,
            1 as rang, bassin, type_siae from financement_par_financeur f {ident};
    """)
    sql = (ROOT / "sql" / "marts" / "indicateurs_territoire.sql").read_text()
    con.execute(f"create view indicateurs_territoire as {sql}")
    return con
