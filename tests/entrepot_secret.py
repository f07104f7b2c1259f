"""Small warehouses built to be attacked: the views statistical secrecy reads, as tables.

warehouse.publication reads indicateurs_siae and four marts (publics_repartition,
sorties_par_categorie, personnel_par_fonction, financement_par_financeur). Here they are
tables filled from a list of SIAE with their people, so a test can draw hundreds of
warehouses (random, or adversarial: a type alone in a basin, small modalities beside large
ones, a lone set of accounts) in milliseconds, all consistent like the real views.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from contract import DYNAMIC_EXIT_CATEGORIES, MOTIF_CATEGORIES, SUPERVISION_FUNCTIONS

BASSINS = ("NORD", "EST", "OUEST", "SUD")
TYPES = ("ACI", "AI", "EI", "ETTI", "EITI")
MOTIFS = [m for ms in MOTIF_CATEGORIES.values() for m in ms]
CATEGORIE = {m: c for c, ms in MOTIF_CATEGORIES.items() for m in ms}


@dataclass
class Siae:
    siret: str
    bassin: str
    type_siae: str
    salaries: list[dict] | None = field(default_factory=list)  # None: no salaries return
    personnel: list[dict] | None = field(default_factory=list)
    finances: dict | None = None  # chiffre_affaires, aides {financeur: montant}, fonds_propres
    etp_conventionnes: float = 10.0


def personne(rng: random.Random, annee: int) -> dict:
    sortie = rng.random() < 0.35
    return {
        "sexe": rng.choice("FM"), "tranche_age": rng.choice(["MOINS_26", "26_49", "50_PLUS"]),
        "statut_entree": rng.choice(["RSA", "DELD", "ASS", "AUTRE"]),
        "orientation": rng.choice(["FRANCE_TRAVAIL", "MISSION_LOCALE", "DEPARTEMENT"]),
        "type_contrat": rng.choice(["CDDI", "CONTRAT_AIDE"]),
        "difficultes": rng.sample(["LOGEMENT", "MOBILITE", "SANTE"], rng.randint(0, 2)),
        "entree": rng.random() < 0.5, "motif": rng.choice(MOTIFS) if sortie else None,
        "heures": rng.uniform(300, 1400),
    }


def permanent(rng: random.Random) -> dict:
    return {"fonction": rng.choice(["DIRECTION", "ENCADRANT_TECHNIQUE", "ACCOMPAGNATEUR_SOCIOPRO", "ADMINISTRATIF"]),
            "statut": rng.choice(["CDI", "CDD"]), "niveau_diplome": rng.choice([3, 4, 5, 6]),
            "formation_suivie": rng.random() < 0.5, "etp": rng.choice([0.5, 0.8, 1.0]), "benevole": rng.random() < 0.1}


def aleatoire(seed: int, n: int = 30, annee: int = 2025) -> list[Siae]:
    """A random department: some types absent from some basins, some returns missing."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        s = Siae(f"{seed:04d}{i:010d}", rng.choice(BASSINS), rng.choice(TYPES),
                 etp_conventionnes=float(rng.randint(2, 40)))
        s.salaries = None if rng.random() < 0.1 else [personne(rng, annee) for _ in range(rng.choice([1, 3, 6, 12, 25, 60]))]
        s.personnel = None if rng.random() < 0.1 else [permanent(rng) for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.85:
            aides = {f: rng.choice([0, rng.uniform(1e3, 3e5)]) for f in ("ETAT", "DEPARTEMENT", "REGION", "FSE")}
            s.finances = {"chiffre_affaires": rng.uniform(1e4, 2e6), "aides": aides,
                          "fonds_propres": rng.choice([None, rng.uniform(-1e5, 5e5)])}
        out.append(s)
    return out


def ecrire(path: Path, siaes: list[Siae], annee: int = 2025) -> duckdb.DuckDBPyConnection:
    """The tables publication reads, for `siaes` in `annee`, in a new DuckDB file at `path`."""
    ind, pub, sor, per, fin = [], [], [], [], []
    for s in siaes:
        row = {"annee": annee, "siret": s.siret, "raison_sociale": f"SIAE {s.siret}", "bassin": s.bassin,
               "type_siae": s.type_siae, "etp_conventionnes": s.etp_conventionnes,
               "retour_salaries": s.salaries is not None, "retour_personnel": s.personnel is not None,
               "retour_finances": s.finances is not None}
        if s.salaries is not None:
            p = s.salaries
            exits = [x["motif"] for x in p if x["motif"]]
            row.update(
                nb_salaries=len(p), nb_entrees=sum(x["entree"] for x in p), nb_sorties=len(exits),
                nb_sorties_dynamiques=sum(CATEGORIE[m] in DYNAMIC_EXIT_CATEGORIES for m in exits),
                nb_sorties_emploi_durable=sum(CATEGORIE[m] == "EMPLOI_DURABLE" for m in exits),
                nb_sorties_neutres=sum(CATEGORIE[m] == "NEUTRE" for m in exits),
                nb_femmes=sum(x["sexe"] == "F" for x in p), nb_rsa=sum(x["statut_entree"] == "RSA" for x in p),
                etp_insertion=sum(x["heures"] for x in p) / 1607)
            for dim in ("sexe", "tranche_age", "statut_entree", "orientation", "type_contrat"):
                for m in {x[dim] for x in p}:
                    pub.append((annee, s.siret, dim, m, sum(x[dim] == m for x in p)))
            for m in {d for x in p for d in x["difficultes"]}:
                pub.append((annee, s.siret, "difficulte", m, sum(m in x["difficultes"] for x in p)))
            for m in set(exits):
                sor.append((annee, s.siret, m, exits.count(m)))
        if s.personnel is not None:
            staff = [x for x in s.personnel if not x["benevole"]]
            row.update(etp_permanents=sum(x["etp"] for x in staff),
                       etp_encadrement=sum(x["etp"] for x in staff if x["fonction"] in SUPERVISION_FUNCTIONS))
            for x in s.personnel:
                per.append((annee, s.siret, x["fonction"], x["statut"], x["benevole"], x["niveau_diplome"],
                            x["formation_suivie"], 1, x["etp"]))
        if s.finances is not None:
            aides = s.finances["aides"]
            row.update(chiffre_affaires=s.finances["chiffre_affaires"], financement_public=sum(aides.values()),
                       fonds_propres=s.finances["fonds_propres"])
            fin += [(annee, s.siret, f, v) for f, v in aides.items() if v]
        ind.append(row)
    con = duckdb.connect(str(path))
    cols = {"annee": pl.Int32, "siret": pl.String, "raison_sociale": pl.String, "bassin": pl.String,
            "type_siae": pl.String, "etp_conventionnes": pl.Float64, "retour_salaries": pl.Boolean,
            "retour_personnel": pl.Boolean, "retour_finances": pl.Boolean,
            **{c: pl.Int64 for c in ("nb_salaries", "nb_entrees", "nb_sorties", "nb_sorties_dynamiques",
                                     "nb_sorties_emploi_durable", "nb_sorties_neutres", "nb_femmes", "nb_rsa")},
            **{c: pl.Float64 for c in ("etp_insertion", "etp_permanents", "etp_encadrement", "chiffre_affaires",
                                       "financement_public", "fonds_propres")}}
    tables = {
        "indicateurs_siae": pl.DataFrame(ind, schema=cols),
        "publics_repartition": pl.DataFrame(pub, schema=["annee", "siret", "dimension", "modalite", "nb_salaries"],
                                            orient="row"),
        "sorties_par_categorie": pl.DataFrame(sor, schema=["annee", "siret", "motif_sortie", "nb_sorties"],
                                              orient="row"),
        "personnel_par_fonction": pl.DataFrame(per, schema=["annee", "siret", "fonction", "statut", "est_benevole",
                                                            "niveau_diplome", "formation_suivie", "nb_personnes",
                                                            "etp_permanents"], orient="row"),
        "financement_par_financeur": pl.DataFrame(fin, schema=["annee", "siret", "financeur", "montant"],
                                                  orient="row"),
    }
    for name, df in tables.items():
        con.register("_df", df.to_arrow() if df.height else df)
        con.execute(f"create table {name} as select * from _df")
        con.unregister("_df")
    return con
