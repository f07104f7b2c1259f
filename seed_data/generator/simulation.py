"""One structure's returns over the years, simulated from its profile: its people and their
contracts (salaries_insertion, personnel_permanent), its accounts (finances) and its
identity sheet (structure)."""

from __future__ import annotations

import random
from datetime import date

from contract import AGE_JEUNES, AGE_SENIORS, COMMUNES_REUNION, HEURES_ANNUELLES_ETP
from seed_data.generator.profiles import (
    ACCOMPAGNEMENT, ACTION_LIST, apportion, BENEVOLE, build_population, check, Choice, CONCURRENCE, DIFFICULTE_LIST,
    DIRECTION_STATUT, EVOLUTION, EVOLUTION_AIRE, MOTIF, ORIENTATION_ADULT, ORIENTATION_YOUNG, OUTPUT_TEMPLATES,
    PARTENAIRES, PROFILES, RETIREMENT_FALLBACK, RETRAITE, RETURNS, SEED, SEX_CHOICE, Siae, STAFF_DIPLOMA,
    STAFF_MOTIF, STAFF_MOTIF_OTHER, staff_roles, STAFF_STATUT, STAFF_YEARS, STATUT_ADULT, STATUT_YOUNG, TypeProfile,
    VOLUNTEER_FONCTION,
)

# ---------------------------------------------------------------------------------------------
# One structure's returns over the years.

_ORD = date.toordinal
_DAY_CACHE: dict[int, date] = {}


def _d(ordinal: int) -> date:
    d = _DAY_CACHE.get(ordinal)
    if d is None:
        d = _DAY_CACHE[ordinal] = date.fromordinal(ordinal)
    return d


def _tri(rng: random.Random, low: float, high: float, mode: float) -> float:
    return rng.triangular(low, high, mode)


def _mean_hebdo(p: TypeProfile) -> float:
    return sum(h * w for h, w in p.hebdo.items()) / sum(p.hebdo.values())


def simulate_siae(s: Siae, years: list[int], seed: int = SEED) -> dict[int, dict[str, list[dict]]]:
    """All the rows of one structure: {annee: {template: [row, ...]}} (templates missing = not sent)."""
    rng = random.Random(seed * 1_000_003 + s.idx)
    p = PROFILES[s.type_siae]
    active = [y for y in years if s.first_year <= y <= s.last_year]
    out: dict[int, dict[str, list[dict]]] = {y: {} for y in active}

    # ---- register: etp_conventionnes per year
    etp: dict[int, float] = {}
    e = s.etp_base
    for y in active:
        if y != active[0]:
            e = min(p.etp[1], max(p.etp[0], e * rng.uniform(0.93, 1.1)))
        etp[y] = round(e * 2) / 2 if rng.random() < 0.85 else round(e, 2)

    # ---- which returns are missing
    missing: dict[int, set[str]] = {}
    for y in active:
        if s.silent_year == y:
            missing[y] = set(RETURNS)
        elif rng.random() < 0.08:
            r = rng.random()
            k = 1 if r < 0.75 else (2 if r < 0.95 else 3)
            pick = Choice(list(RETURNS), [15, 25, 30, 30])
            m: set[str] = set()
            while len(m) < k:
                m.add(pick(rng))
            missing[y] = m
        else:
            missing[y] = set()
        if s.young_zero_ca and y == s.first_year:
            missing[y].discard("finances")

    for y in active:
        out[y]["conventions"] = [{
            "annee": y, "siret": s.siret, "raison_sociale": s.raison_sociale, "type_siae": s.type_siae,
            "commune_insee": s.commune_insee, "etp_conventionnes": etp[y],
        }]

    salaries = _salaries(rng, s, p, years, active)
    staff = _staff(rng, s, p, years, active)
    finances = _finances(rng, s, p, active, etp)
    structure = _structure(rng, s, p, active, finances, salaries)
    for y in active:
        for name, rows in (("structure", structure[y]), ("salaries_insertion", salaries[y]),
                           ("personnel_permanent", staff[y]), ("finances", finances[y])):
            if name not in missing[y]:
                out[y][name] = rows
    return out


def _age_at_entry(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.20:
        return min(AGE_JEUNES - 1, int(_tri(rng, 16, AGE_JEUNES, 22)))
    if r < 0.35:
        return min(70, int(_tri(rng, AGE_SENIORS, 67, 52)))
    return rng.randint(AGE_JEUNES, AGE_SENIORS - 1)


def _codes(rng: random.Random, table: list[tuple[str, float]]) -> list[str]:
    return [c for c, prob in table if rng.random() < prob]


_BASIN_COMMUNES: dict[str, list[str]] = {}
for _insee, _nom, _bassin in COMMUNES_REUNION:
    _BASIN_COMMUNES.setdefault(_bassin, []).append(_insee)


def _span(years: list[int], active: list[int]) -> tuple[bool, bool, dict[int, int], dict[int, int], int]:
    """(has a history before the first year, stops before the last year, year starts, year ends, last day)."""
    year_start = {y: _ORD(date(y, 1, 1)) for y in active}
    year_end = {y: _ORD(date(y, 12, 31)) for y in active}
    return active[0] == years[0], active[-1] < years[-1], year_start, year_end, year_end[active[-1]]


def _salaries(rng: random.Random, s: Siae, p: TypeProfile, years: list[int],
              active: list[int]) -> dict[int, list[dict]]:
    """Integration contracts: each post is held by a sequence of contracts; a contract is
    reported in every year it is present, with its exit only in the year of the exit."""
    existing, stops, year_start, year_end, hard_stop = _span(years, active)
    rows: dict[int, list[dict]] = {y: [] for y in active}
    per_post = _mean_hebdo(p) * sum(p.attendance) / 2 * (365 / 7) / HEURES_ANNUELLES_ETP * 0.93
    n_posts = max(1, round(s.etp_base * rng.uniform(0.9, 1.15) / per_post))
    sim_start = _ORD(date(active[0] - 2, 1, 1)) if existing else year_start[active[0]]
    hebdo_choice = Choice.of(p.hebdo)
    contrat_choice = Choice.of(p.contrat)
    sex_choice = SEX_CHOICE[s.type_siae]
    scheme = rng.random()
    used_ids: set[str] = set()
    counter = rng.randrange(1, 400)
    past: list[tuple[str, str, int, int]] = []  # (identifiant, sexe, annee_naissance, exit day)
    basin_communes = _BASIN_COMMUNES[s.bassin]
    lo, hi, mode = p.months
    uniform, rand, randrange = rng.uniform, rng.random, rng.randrange

    def new_id() -> str:
        nonlocal counter
        while True:
            if scheme < 0.55:
                ident = f"PASS-974-{randrange(1, 1_000_000):06d}"
            elif scheme < 0.85:
                counter += 1
                ident = f"S{counter:04d}"
            else:
                counter += 1
                ident = f"SAL-{counter:05d}"
            if ident not in used_ids:
                used_ids.add(ident)
                return ident

    for _ in range(n_posts):
        t = sim_start + (randrange(0, 365) if existing else randrange(0, 150))
        while t <= hard_stop:
            end = t + max(20, int(rng.triangular(lo, hi, mode) * 30.4)) - 1
            entry_year = _d(t).year
            person = None
            if past and rand() < 0.03:  # someone who already worked here comes back
                cand = past[randrange(len(past))]
                if cand[3] < t - 90 and 16 <= entry_year - cand[2] <= 70:
                    person = cand
            if person:
                ident, sexe, birth = person[0], person[1], person[2]
                age = entry_year - birth
            else:
                ident, sexe = new_id(), sex_choice(rng)
                age = _age_at_entry(rng)
                birth = entry_year - age
            young = age < AGE_JEUNES
            orientation = (ORIENTATION_YOUNG if young else ORIENTATION_ADULT)(rng)
            statut = (STATUT_YOUNG if young else STATUT_ADULT)(rng)
            if end > hard_stop:
                exit_ = hard_stop if stops else None
            else:
                exit_ = end
            motif = None
            if exit_ is not None:
                motif = MOTIF(rng)
                if motif == RETRAITE and age + (exit_ - t) // 365 < 60:
                    motif = RETIREMENT_FALLBACK
            hebdo = hebdo_choice(rng)
            att = uniform(*p.attendance)
            r = rand()
            commune = s.commune_insee if r < 0.7 else (basin_communes[randrange(len(basin_communes))]
                                                         if r < 0.9 else None)
            diffs = _codes(rng, DIFFICULTE_LIST)
            acts = _codes(rng, ACTION_LIST)
            accomp = ACCOMPAGNEMENT(rng) if rand() < 0.85 else None
            r = rand()
            partenaires = " / ".join(rng.sample(PARTENAIRES, 1 if r < 0.25 else 2)) if r < 0.35 else None
            agrement = _d(t - randrange(0, 60)) if rand() < 0.8 else None
            contrat = contrat_choice(rng)
            last_day = hard_stop if exit_ is None else exit_
            entree = _d(t)
            for y in range(max(entry_year, active[0]), min(_d(last_day).year, active[-1]) + 1):
                ys, ye = year_start[y], year_end[y]
                overlap = min(last_day, ye) - max(t, ys) + 1
                hours = min(2300.0, round(overlap / 7 * hebdo * att * uniform(0.95, 1.05) * 2) / 2)
                if hours == int(hours):
                    hours = int(hours)
                shown = exit_ is not None and exit_ <= ye
                rows[y].append({
                    "annee": y, "siret": s.siret, "identifiant": ident, "sexe": sexe,
                    "annee_naissance": birth, "orientation": orientation, "statut_entree": statut,
                    "date_agrement": agrement, "type_contrat": contrat, "heures_hebdo_contrat": hebdo,
                    "heures_travaillees": hours, "commune_travail": commune, "difficultes": diffs,
                    "actions": acts, "accompagnement_social": accomp, "partenaires": partenaires,
                    "date_entree": entree, "date_sortie": _d(exit_) if shown else None,
                    "motif_sortie": motif if shown else None,
                })
            if exit_ is None:
                break
            past.append((ident, sexe, birth, exit_))
            t = exit_ + 1 + randrange(0, 45)
    for y in active:
        rows[y].sort(key=lambda r: (r["date_entree"], r["identifiant"]))
    return rows


PART_TIME_HOURS = (17.5, 20, 24, 28, 30)
LONG_HOURS = (37, 39, 40, 42, 45)
VOLUNTEER_HOURS = (2, 3, 4, 5, 6, 8, 10)
VOLUNTEER_COUNT = Choice([0, 1, 2, 3, 4], [20, 28, 27, 15, 10])
ASSOCIATION, DIRECTION, ENCADRANT = "ASSOCIATION", "DIRECTION", "ENCADRANT_TECHNIQUE"
check("STATUT_JURIDIQUE", ASSOCIATION)
check("FONCTION", DIRECTION, ENCADRANT)
check("MOTIF_SORTIE_PERMANENT", "RETRAITE", "DEMISSION")


def _staff(rng: random.Random, s: Siae, p: TypeProfile, years: list[int],
           active: list[int]) -> dict[int, list[dict]]:
    """Permanent staff and volunteers: each post held by a sequence of people."""
    existing, stops, year_start, year_end, hard_stop = _span(years, active)
    rows: dict[int, list[dict]] = {y: [] for y in active}
    posts = [(f, False) for f in staff_roles(s.type_siae, s.etp_base, rng)]
    if s.statut_juridique == ASSOCIATION:
        posts += [(VOLUNTEER_FONCTION(rng), True) for _ in range(VOLUNTEER_COUNT(rng))]
    if existing:
        creation = _ORD(date(active[0] - rng.randint(1, 15), 1, 1)) + rng.randrange(365)
    else:
        creation = year_start[active[0]]
    prefix = rng.choice(("P", "PERM-", "EMP", "ENC-"))
    k = 0
    for fonction, volunteer in posts:
        t = creation + rng.randrange(0, 700 if existing else 90)
        if existing:
            t = min(t, year_start[active[0]] - 1)
        while t <= hard_stop:
            if volunteer:
                statut = BENEVOLE
            else:
                statut = (DIRECTION_STATUT if fonction == DIRECTION else STAFF_STATUT)(rng)
            end = t + max(30, int(rng.triangular(*STAFF_YEARS[statut]) * 365)) - 1
            exit_ = (hard_stop if stops else None) if end > hard_stop else end
            entry_year = _d(t).year
            age = rng.randint(22, 58) if not volunteer else rng.randint(30, 68)
            motif = None
            if exit_ is not None and rng.random() < 0.85:
                motif = STAFF_MOTIF.get(statut, STAFF_MOTIF_OTHER)(rng)
                if motif == "RETRAITE" and age + (exit_ - t) // 365 < 60:
                    motif = "DEMISSION"
            r = rng.random()
            if volunteer:
                hebdo = rng.choice(VOLUNTEER_HOURS)
            elif r < 0.2:
                hebdo = rng.choice(PART_TIME_HOURS)
            elif fonction == DIRECTION and r < 0.6:
                hebdo = rng.choice(LONG_HOURS)
            elif fonction == ENCADRANT and r < 0.35:
                hebdo = 39
            else:
                hebdo = 35
            if rng.random() < 0.9:
                dlo, dhi = (3, 7) if volunteer else STAFF_DIPLOMA.get(fonction, (3, 6))
                diploma = rng.randint(dlo, dhi)
            else:
                diploma = None
            indemnise = None
            if volunteer:
                r = rng.random()
                indemnise = True if r < 0.2 else (False if r < 0.8 else None)
            k += 1
            ident = f"{prefix}{k:03d}"
            sexe = "F" if rng.random() < 0.55 else "M"
            birth = entry_year - age if rng.random() < 0.9 else None
            last_day = hard_stop if exit_ is None else exit_
            for y in range(max(entry_year, active[0]), min(_d(last_day).year, active[-1]) + 1):
                ye = year_end[y]
                shown = exit_ is not None and exit_ <= ye
                r = rng.random()
                rows[y].append({
                    "annee": y, "siret": s.siret, "identifiant": ident, "sexe": sexe, "annee_naissance": birth,
                    "statut": statut, "benevole_indemnise": indemnise, "fonction": fonction,
                    "heures_hebdo": hebdo, "niveau_diplome": diploma, "date_entree": _d(t),
                    "date_sortie": _d(exit_) if shown else None, "motif_sortie": motif if shown else None,
                    "formation_suivie": True if r < 0.35 else (False if r < 0.85 else None),
                })
            if exit_ is None:
                break
            t = exit_ + 1 + rng.randrange(15, 120)
    for y in active:
        rows[y].sort(key=lambda r: r["identifiant"])
    return rows


AIDES = ("aides_etat", "aides_departement", "aides_region", "aides_communes", "fse", "autres_aides_publiques")


def _finances(rng: random.Random, s: Siae, p: TypeProfile, active: list[int],
              etp: dict[int, float]) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    cents = rng.random() < 0.7
    has_fse = rng.random() < 0.3
    weights = [rng.uniform(55, 80), rng.uniform(8, 25),
               rng.uniform(0, 10) if rng.random() < 0.6 else 0, rng.uniform(0, 10) if rng.random() < 0.5 else 0,
               rng.uniform(5, 15) if has_fse else 0, rng.uniform(0, 5) if rng.random() < 0.4 else 0]
    public = etp[active[0]] * rng.uniform(*p.public_per_etp)
    ratio = rng.uniform(*p.ratio_public_ca)
    if s.type_siae == "ACI" and rng.random() < 0.08:
        ratio = rng.uniform(1.2, 8)
    ca = public / ratio
    fonds = (ca + public) * rng.uniform(-0.08, 0.35)

    def money(x: float) -> float:
        return round(x, 2) if cents else float(round(x))

    prev = None
    for y in active:
        if prev is not None:
            ca *= 1 + rng.uniform(-0.15, 0.20)
            public *= etp[y] / etp[prev] * rng.uniform(0.97, 1.06)
        ca_y = 0.0 if s.young_zero_ca and y == s.first_year else ca
        w = [x * rng.uniform(0.9, 1.1) for x in weights]
        aides = [public * x / sum(w) for x in w]
        resultat = (ca_y + public) * max(-0.3, min(0.2, rng.gauss(0.01, 0.035)))
        fonds += resultat
        row = {"annee": y, "siret": s.siret, "chiffre_affaires": money(ca_y)}
        for name, amount in zip(AIDES, aides):
            row[name] = money(amount) if amount > 0 else (None if rng.random() < 0.7 else 0.0)
        row["fonds_propres"] = money(fonds) if rng.random() < 0.95 else None
        row["resultat_net"] = money(resultat) if rng.random() < 0.95 else None
        row["total_charges"] = money(ca_y + public - resultat) if rng.random() < 0.95 else None
        rows[y] = [row]
        prev = y
    return rows


def _shares(rng: random.Random, base: list[float]) -> list[float]:
    w = [max(0.0, b * rng.uniform(0.8, 1.2)) for b in base]
    halves = rng.random() < 0.15
    units = 200 if halves else 100
    counts = apportion(units, {i: x for i, x in enumerate(w)} if sum(w) else {0: 1, 1: 1, 2: 1, 3: 1})
    out = [counts.get(i, 0) / (units / 100) for i in range(4)]
    return [int(x) if x == int(x) else x for x in out]


def _structure(rng: random.Random, s: Siae, p: TypeProfile, active: list[int],
               finances: dict[int, list[dict]], salaries: dict[int, list[dict]]) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    base = [x * rng.uniform(0.3, 1.7) for x in p.shares]
    r = rng.random()
    share_mode = "all" if r < 0.8 else ("some" if r < 0.93 else "none")
    concurrence = CONCURRENCE(rng)
    part_names = ("part_ca_particuliers", "part_ca_entreprises", "part_ca_associations", "part_ca_collectivites")
    prev_ca = None
    for y in active:
        ca = finances[y][0]["chiffre_affaires"]
        if prev_ca:
            g = ca / prev_ca - 1
            evolution = EVOLUTION[0] if g >= 0.05 else (EVOLUTION[2] if g <= -0.05 else EVOLUTION[1])
        else:
            evolution = EVOLUTION[rng.randrange(3)]
        prev_ca = ca
        if rng.random() < 0.1:
            evolution = None
        shares: list = _shares(rng, base)
        if share_mode == "none" or ca == 0:
            shares = [None] * 4
        elif share_mode == "some":
            drop = rng.sample(range(4), rng.randint(1, 2))
            shares = [None if i in drop else v for i, v in enumerate(shares)]
        n_sal = len(salaries[y])
        r = rng.random()
        row = {
            "annee": y, "siret": s.siret, "statut_juridique": s.statut_juridique, "code_ape": s.code_ape,
            "activite_principale": s.activite_principale, "autres_activites": s.autres_activites,
            "commune_insee": s.commune_insee, "reseau": s.reseau, "evolution_activite": evolution,
            **dict(zip(part_names, shares)),
            "concurrence": concurrence if rng.random() < 0.9 else None,
            "evolution_aire_geographique": EVOLUTION_AIRE(rng) if rng.random() < 0.85 else None,
            "effectif_insertion_prevu_n1": round(n_sal * rng.uniform(0.9, 1.15)) if rng.random() < 0.8 else None,
            "formation_salaries": True if r < 0.7 else (False if r < 0.9 else None),
            "formation_permanents": rng.choice((True, True, False, None)),
        }
        rows[y] = [row]
    return rows


def iter_records(n_siae: int, years: list[int], seed: int = SEED):
    """Every row of a run, typed: yields (siae, annee, template, row). For tests and tools."""
    for s in build_population(n_siae, years, seed):
        for y, templates in simulate_siae(s, years, seed).items():
            for name in OUTPUT_TEMPLATES:
                for row in templates.get(name, ()):
                    yield s, y, name, row
