"""What a restricted reader may see: every cell of a year, protected once for every reader.

A restricted view (roles `cta` and `structure`, and "Tableaux à diffuser") reads its
aggregates from here and from nothing else. The published cells of a year form one cube:
basin (each, or TOUS) x type (each, or TOUS) x, for a distribution, its modality. A
restricted reader chooses one basin or all and one type or all, never a free union, so
whatever pages and exports it opens, it sees cells of this cube and only them.

The cube is protected as a whole, the same for every reader (two committees in one meeting
see the same department figures):
- primary rules (warehouse.secrecy): a count of 1 to 4 persons; any cell over fewer than 3
  structures (those that gave the figure, and those that contribute to it); an amount
  where one structure holds more than 85 % (dominance);
- secondary suppression audited by linear programming (warehouse.secret_audit): for each
  hidden cell and each kind of reader (a committee member knows every figure of its basin,
  a structure its own, the public nothing), the range of values consistent with everything
  published must be wide enough; otherwise more cells are hidden.

Medians are published only over fixed groups (one basin or all x one type or all) of at
least 5 structures, at least 3 of them unknown to any committee (see `mediane_publiable`).
"""

from __future__ import annotations

import atexit
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from warehouse import secrecy, settings

TOUS = secrecy.TOTAL
SANS_MODALITE = ""  # the modality of a family that is not a distribution
NON_RENSEIGNE = "∅"  # a NULL modality (an unknown age band, a missing motive)

PERSONNES, MONTANT, SIGNE = "personnes", "montant", "signe"  # kinds of family


@dataclass(frozen=True)
class Famille:
    """One additive quantity, counted per SIAE, and summed over the cells of the cube."""

    nom: str
    nature: str  # PERSONNES (counts, 1-4 rule), MONTANT (>= 0, dominance), SIGNE (may be negative)
    composante: str  # families linked by a relation share a component (one linear system)


# Families read from indicateurs_siae: name -> (SQL expression per SIAE, nature, component).
# The register (how many SIAE, where, their FTE under agreement: etp_conventionnes) is public
# administrative information, published as is, like the number of returns received.
# A value is NULL when the SIAE did not give it: such a SIAE is not counted as a declarant.
SCALAIRES: dict[str, tuple[str, str, str]] = {
    "nb_salaries": ("nb_salaries", PERSONNES, "publics"),
    "nb_entrees": ("nb_entrees", PERSONNES, "publics"),
    "nb_sorties": ("nb_sorties", PERSONNES, "publics"),
    "nb_sorties_dynamiques": ("nb_sorties_dynamiques", PERSONNES, "publics"),
    "nb_sorties_emploi_durable": ("nb_sorties_emploi_durable", PERSONNES, "publics"),
    "nb_sorties_neutres": ("nb_sorties_neutres", PERSONNES, "publics"),
    "nb_femmes": ("nb_femmes", PERSONNES, "publics"),
    "nb_rsa": ("nb_rsa", PERSONNES, "publics"),
    "etp_insertion": ("etp_insertion", MONTANT, "etp"),
    "etp_conventionnes_retour_salaries":
        ("case when retour_salaries then etp_conventionnes end", MONTANT, "etp"),
    "etp_permanents": ("etp_permanents", MONTANT, "personnel"),
    "etp_encadrement": ("etp_encadrement", MONTANT, "personnel"),
    "chiffre_affaires": ("chiffre_affaires", MONTANT, "finances"),
    "financement_public": ("financement_public", MONTANT, "finances"),
    "financement_public_ca_connu":
        ("case when chiffre_affaires is not null then financement_public end", MONTANT, "finances"),
    "chiffre_affaires_public_connu":
        ("case when financement_public is not null then chiffre_affaires end", MONTANT, "finances"),
    "fonds_propres_ca_connu":
        ("case when chiffre_affaires is not null then fonds_propres end", SIGNE, "finances"),
    "chiffre_affaires_fonds_propres_connus":
        ("case when fonds_propres is not null then chiffre_affaires end", MONTANT, "finances"),
}

# Distributions, read from the marts: family -> (SQL over the mart, with columns siret,
# modalite, valeur; the return that makes a SIAE a declarant), nature, component.
PERSONNEL_DIMENSIONS = ("fonction", "statut", "niveau_diplome", "formation_suivie")


def _distributions() -> dict[str, tuple[str, str, str, str]]:
    d = {}
    for dim in ("sexe", "tranche_age", "statut_entree", "orientation", "type_contrat", "difficulte"):
        d[f"publics:{dim}"] = (
            f"select siret, modalite, nb_salaries as valeur from publics_repartition "
            f"where annee = $annee and dimension = '{dim}'", "retour_salaries", PERSONNES, "publics")
    d["sorties"] = ("select siret, motif_sortie as modalite, nb_sorties as valeur from sorties_par_categorie "
                    "where annee = $annee", "retour_salaries", PERSONNES, "publics")
    for benevoles, prefixe in ((False, "personnel"), (True, "benevoles")):
        for dim in PERSONNEL_DIMENSIONS:
            for mesure, nature in (("nb_personnes", PERSONNES), ("etp_permanents", MONTANT)):
                d[f"{prefixe}:{dim}:{mesure}"] = (
                    f"select siret, {dim}::varchar as modalite, sum({mesure}) as valeur from personnel_par_fonction "
                    f"where annee = $annee and est_benevole = {benevoles} group by all",
                    "retour_personnel", nature, prefixe)
    d["financement"] = ("select siret, financeur as modalite, montant as valeur from financement_par_financeur "
                        "where annee = $annee", "retour_finances", MONTANT, "finances")
    return d


DISTRIBUTIONS = _distributions()

FAMILLES: dict[str, Famille] = {
    **{n: Famille(n, nature, comp) for n, (_, nature, comp) in SCALAIRES.items()},
    **{n: Famille(n, nature, comp) for n, (_, _, nature, comp) in DISTRIBUTIONS.items()},
}

# Ratios of indicateurs_territoire and the families they are computed from: a ratio is
# published only where all its inputs are (a share times its denominator gives the count).
RATIOS: dict[str, tuple[str, ...]] = {
    "taux_realisation_etp": ("etp_insertion", "etp_conventionnes_retour_salaries"),
    "taux_sortie_dynamique": ("nb_sorties_dynamiques", "nb_sorties", "nb_sorties_neutres"),
    "taux_emploi_durable": ("nb_sorties_emploi_durable", "nb_sorties", "nb_sorties_neutres"),
    "part_femmes": ("nb_femmes", "nb_salaries"),
    "part_rsa": ("nb_rsa", "nb_salaries"),
    "ratio_public_ca": ("financement_public_ca_connu", "chiffre_affaires_public_connu"),
    "fonds_propres_pct_ca": ("fonds_propres_ca_connu", "chiffre_affaires_fonds_propres_connus"),
}


def contributions(con: duckdb.DuckDBPyConnection, annee: int) -> pl.DataFrame:
    """Each SIAE's part of each family: famille, siret, bassin, type_siae, modalite, valeur.

    A SIAE that gave the return of a distribution but has no person in a modality has no
    row there; `declarants` says who gave what."""
    siae = con.sql("select * from indicateurs_siae where annee = $annee", params={"annee": annee}).pl()
    ident = siae.select("siret", "bassin", "type_siae")
    parts = []
    exprs = ", ".join(f"({expr})::double as \"{nom}\"" for nom, (expr, _, _) in SCALAIRES.items())
    scal = con.sql(f"select siret, {exprs} from indicateurs_siae where annee = $annee", params={"annee": annee}).pl()
    parts.append(scal.unpivot(index="siret", variable_name="famille", value_name="valeur")
                 .with_columns(modalite=pl.lit(SANS_MODALITE)).drop_nulls("valeur"))
    for nom, (sql, _, _, _) in DISTRIBUTIONS.items():
        rows = con.sql(sql, params={"annee": annee}).pl()
        parts.append(rows.select(
            pl.lit(nom).alias("famille"), "siret",
            pl.col("modalite").cast(pl.String).fill_null(NON_RENSEIGNE),
            pl.col("valeur").cast(pl.Float64)))
    cols = ["famille", "siret", "modalite", "valeur"]
    return pl.concat([p.select(cols) for p in parts]).join(ident, on="siret", how="inner")


def declarants(con: duckdb.DuckDBPyConnection, annee: int) -> pl.DataFrame:
    """famille, siret, bassin, type_siae: the SIAE that gave each family's figure."""
    exprs = ", ".join(f"({expr}) is not null as \"{nom}\"" for nom, (expr, _, _) in SCALAIRES.items())
    exprs += ", " + ", ".join(f"{retour} as \"{nom}\"" for nom, (_, retour, _, _) in DISTRIBUTIONS.items())
    flags = con.sql(f"select siret, bassin, type_siae, {exprs} from indicateurs_siae where annee = $annee",
                    params={"annee": annee}).pl()
    return (flags.unpivot(index=["siret", "bassin", "type_siae"], variable_name="famille", value_name="declare")
            .filter(pl.col("declare")).drop("declare"))


def _avec_marges(df: pl.DataFrame) -> pl.DataFrame:
    """The rows four times: by basin and type, and with TOUS for either or both."""
    tous = pl.lit(TOUS)
    return pl.concat([
        df,
        df.with_columns(bassin=tous),
        df.with_columns(type_siae=tous),
        df.with_columns(bassin=tous, type_siae=tous),
    ])


def cellules(contrib: pl.DataFrame, decl: pl.DataFrame) -> pl.DataFrame:
    """The cube: one row per (famille, bassin, type_siae, modalite), basins and types with TOUS.

    valeur: the sum (0 where declarants gave nothing in that modality; NULL without any
    declarant); n_declarants: SIAE that gave the figure; n_contributeurs: SIAE with a
    non-zero part; part_max: the largest share of one SIAE in the sum of absolute values."""
    keys = ["famille", "bassin", "type_siae"]
    n_decl = _avec_marges(decl).group_by(keys).agg(pl.col("siret").n_unique().alias("n_declarants"))
    sums = _avec_marges(contrib).group_by([*keys, "modalite"]).agg(
        pl.col("valeur").sum().alias("valeur"),
        (pl.col("valeur") != 0).sum().alias("n_contributeurs"),
        pl.col("valeur").abs().max().alias("abs_max"),
        pl.col("valeur").abs().sum().alias("abs_somme"),
    )
    modalites = contrib.select("famille", "modalite").unique()
    grid = n_decl.join(modalites, on="famille", how="inner")
    return (grid.join(sums, on=[*keys, "modalite"], how="left")
            .with_columns(
                pl.col("valeur").fill_null(0.0),
                pl.col("n_contributeurs").fill_null(0).cast(pl.Int64),
                pl.when(pl.col("abs_somme") > 0).then(pl.col("abs_max") / pl.col("abs_somme"))
                .otherwise(0.0).alias("part_max"))
            .drop("abs_max", "abs_somme")
            .sort([*keys, "modalite"]))


def primaire(cells: pl.DataFrame, conf: settings.Settings) -> pl.DataFrame:
    """The cells with `raison`: why a primary rule hides the cell, or NULL."""
    nature = pl.col("famille").replace_strict({n: f.nature for n, f in FAMILLES.items()})
    few = secrecy.REASON_STRUCTURES.format(n=conf.seuil_structures)
    return cells.with_columns(
        pl.when((nature == PERSONNES) & (pl.col("valeur") > 0) & (pl.col("valeur") < conf.seuil_personnes))
        .then(pl.lit(secrecy.REASON_PERSONS.format(n=conf.seuil_personnes)))
        .when(pl.col("n_declarants") < conf.seuil_structures).then(pl.lit(few))
        .when((pl.col("valeur") != 0) & (pl.col("n_contributeurs") < conf.seuil_structures))
        .then(pl.lit(few))
        .when((nature != PERSONNES) & (pl.col("part_max") > conf.seuil_dominance))
        .then(pl.lit(secrecy.REASON_DOMINANCE.format(p=round(conf.seuil_dominance * 100))))
        .otherwise(None).alias("raison"))


@dataclass(frozen=True)
class Publication:
    """The protected cube of one year: `cellules` with `raison` (NULL: published)."""

    annee: int
    cellules: pl.DataFrame

    def raisons_territoire(self) -> pl.DataFrame:
        """bassin, type_siae, then `_secret_<column>` for each column of indicateurs_territoire
        that a published cell or ratio feeds: why it is hidden, or NULL."""
        scal = (self.cellules.filter(pl.col("modalite") == SANS_MODALITE)
                .pivot(on="famille", index=["bassin", "type_siae"], values="raison"))
        for fam in SCALAIRES:
            if fam not in scal.columns:
                scal = scal.with_columns(pl.lit(None, pl.String).alias(fam))
        derived = [
            pl.coalesce([pl.when(pl.col(i).is_not_null()).then(pl.lit(secrecy.REASON_DERIVED)) for i in inputs])
            .alias(ratio) for ratio, inputs in RATIOS.items()]
        return scal.with_columns(derived).select(
            "bassin", "type_siae",
            *[pl.col(c).alias(f"_secret_{c}") for c in (*SCALAIRES, *RATIOS)])


# Bump when the protection changes: cubes kept on disk by an older version are then ignored.
VERSION_PROTECTION = 2

_CACHE: dict[tuple, Publication] = {}
_EN_COURS: dict[tuple, threading.Lock] = {}
_LOCK = threading.Lock()


def _chemin(con: duckdb.DuckDBPyConnection) -> str:
    return con.sql("select path from duckdb_databases() where database_name = current_database()").fetchall()[0][0]


def comites() -> tuple[tuple[str, ...], ...]:
    """The basin sets of committee members of several basins (config/utilisateurs.toml): each
    knows all of them at once, so the cube is protected against that reader too."""
    from warehouse import roles

    try:
        users = roles.charger().values()
    except roles.ConfigurationInvalide:
        return ()
    return tuple(sorted({tuple(sorted(u.bassins)) for u in users if u.role == "cta" and len(u.bassins) > 1}))


def _fichier(con: duckdb.DuckDBPyConnection, annee: int, conf: settings.Settings, lecteurs: tuple) -> Path:
    """Where the protected cube of this version, year, settings and readers is kept. A version
    is never changed after its load, except by an erasure, which changes its size and time:
    both are in the name, so an erased version's cube is computed again."""
    path = Path(_chemin(con))
    st = path.stat() if path.exists() else None
    key = repr((VERSION_PROTECTION, annee, conf, lecteurs, st and (st.st_size, st.st_mtime_ns)))
    return path.with_suffix(".publication") / f"{annee}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.parquet"


def en_cache(con: duckdb.DuckDBPyConnection, annee: int) -> bool:
    """Whether the year's cube is ready (else the first restricted page waits for it)."""
    conf, lecteurs = settings.load(), (True, comites())
    return (_chemin(con), annee, conf, lecteurs) in _CACHE or _fichier(con, annee, conf, lecteurs).exists()


def publication(con: duckdb.DuckDBPyConnection, annee: int, *, connaissances: bool = True) -> Publication:
    """The protected cube of `annee`, computed once per warehouse version, settings and set of
    committees (kept in memory and beside the version file: a few seconds at the seed's scale).

    `connaissances=False` forgets what readers know (their basin, their own figures): only
    for the tests that show the protection fails without it."""
    conf = settings.load()
    lecteurs = (connaissances, comites() if connaissances else ())
    key = (_chemin(con), annee, conf, lecteurs)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        verrou = _EN_COURS.setdefault(key, threading.Lock())
    with verrou:  # one computation per cube, whoever asks (a page, the background preparation)
        with _LOCK:
            if key in _CACHE:
                return _CACHE[key]
        return _calculer(con, annee, conf, lecteurs, key)


def _calculer(con, annee: int, conf: settings.Settings, lecteurs: tuple, key: tuple) -> Publication:
    from warehouse import secret_audit

    connaissances = lecteurs[0]
    fichier = _fichier(con, annee, conf, lecteurs)
    if fichier.exists():
        cells = pl.read_parquet(fichier)
    else:
        contrib = contributions(con, annee)
        cells = primaire(cellules(contrib, declarants(con, annee)), conf)
        cells = secret_audit.suppression_secondaire(cells, contrib, conf, connaissances=connaissances,
                                                    comites=lecteurs[1])
        try:
            fichier.parent.mkdir(exist_ok=True)
            tmp = fichier.with_suffix(".tmp")
            cells.write_parquet(tmp)
            tmp.replace(fichier)
        except OSError:
            pass  # a read-only copy of the warehouse: computed again next time
    pub = Publication(annee, cells)
    with _LOCK:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = pub
    return pub


def preparer_en_fond(version: Path, toutes_annees: bool = True) -> None:
    """Compute every year's cube of a version (the latest year's only, without `toutes_annees`)
    in a background thread, newest year first, so that the first committee member after a load
    does not wait for it (the app calls this when it opens a new version; the work is done once,
    then read from beside the version)."""
    from warehouse.db import connect_read

    def travail() -> None:
        try:
            con = connect_read(version)
            try:
                years = [r[0] for r in con.sql("select distinct annee from indicateurs_siae order by 1 desc").fetchall()]
                years = years if toutes_annees else years[:1]
                for y in years:
                    if _ARRET.is_set():
                        return
                    publication(con.cursor(), y)
            finally:
                con.close()
        except Exception:  # noqa: BLE001 - a page computes what this could not, and says why
            return

    thread = threading.Thread(target=travail, name=f"publication {version.name}", daemon=True)
    _EN_FOND[:] = [t for t in _EN_FOND if t.is_alive()] + [thread]
    thread.start()


# A daemon thread killed inside DuckDB or HiGHS at interpreter exit aborts the process
# ("terminate called without an active exception", exit 134): at exit, the background work
# stops after the cube it is computing.
_ARRET = threading.Event()
_EN_FOND: list[threading.Thread] = []


@atexit.register
def _arreter_en_fond() -> None:
    _ARRET.set()
    for thread in _EN_FOND:
        thread.join()
