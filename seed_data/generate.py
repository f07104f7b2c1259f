"""Deterministic generator of synthetic yearly returns of the SIAE of La Réunion.

    python seed_data/generate.py                      # the bundled seed: seed_data/returns/ (messy)
    python seed_data/generate.py --scale national --out bench/out/national   # benchmark (plain)

Everything comes from one fixed seed (stdlib `random.Random`), so two runs give
byte-identical files. Columns, code lists and communes come from `contract`;
only weights (how often a code is used) are set here. Every value obeys the rules of
CONTRACT section 2: the data is messy in *format*, never invalid.

Two output formats:
- `messy`: what structures really send (see README.md): per basin consolidated CSV files
  in four flavours, per-structure workbooks, the register as a workbook.
- `plain`: one CSV per template per year (UTF-8, `;`, ISO dates, decimal point), written
  in chunks of structures so that memory stays small at national scale.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `loaders` importable
    sys.path.insert(0, str(ROOT))

from contract import (  # noqa: E402
    BOOL,
    CODE,
    CODE_LISTS,
    CODES,
    COMMUNES_REUNION,
    DATE,
    DEC,
    INT,
    MOTIF_CATEGORIES,
    TEMPLATES,
    Column,
)

SEED = 974
# The templates a generator run writes, in load order (the communes reference ships with the project).
OUTPUT_TEMPLATES = ("conventions", "structure", "salaries_insertion", "personnel_permanent", "finances")
RETURNS = ("structure", "salaries_insertion", "personnel_permanent", "finances")

SCALES = {
    # scale: (number of SIAE, number of years, default format, default output directory)
    "reunion": (60, 3, "messy", ROOT / "seed_data" / "returns"),
    "region": (600, 5, "plain", ROOT / "bench" / "out" / "region"),
    "national": (5000, 10, "plain", ROOT / "bench" / "out" / "national"),
}

# ---------------------------------------------------------------------------------------------
# Weights. Codes always come from the contract's lists; a code named here must exist there.


def _check(list_name: str, *codes: str) -> None:
    unknown = [c for c in codes if c not in CODE_LISTS[list_name]]
    if unknown:
        raise ValueError(f"codes {unknown} are not in the contract list {list_name}")


class Choice:
    """Weighted choice over a fixed population, fast (bisect on cumulative weights)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        pairs = [(i, float(w)) for i, w in zip(items, weights) if w > 0]
        if not pairs:
            raise ValueError("no item with a positive weight")
        self.items = [i for i, _ in pairs]
        self.cum = []
        acc = 0.0
        for _, w in pairs:
            acc += w
            self.cum.append(acc)
        self.total = acc

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]

    @classmethod
    def of(cls, pairs: dict) -> Choice:
        return cls(list(pairs), list(pairs.values()))


def code_choice(list_name: str, weights: dict[str, float], default: float = 0.0) -> Choice:
    """Choice over the codes of a contract list; codes not named get `default`."""
    _check(list_name, *weights)
    codes = list(CODE_LISTS[list_name])
    return Choice(codes, [weights.get(c, default) for c in codes])


TYPE_SHARES = {"ACI": 0.55, "AI": 0.20, "EI": 0.15, "ETTI": 0.06, "EITI": 0.04}
_check("TYPE_SIAE", *TYPE_SHARES)
BASIN_WEIGHTS = {"SUD": 34, "OUEST": 30, "NORD": 20, "EST": 16}  # other departments' basins: 15
# Rough population in thousands, to place structures where people live (unknown commune: 10).
COMMUNE_WEIGHTS = {
    "97401": 11, "97402": 13, "97403": 7, "97404": 14, "97405": 12, "97406": 7, "97407": 32,
    "97408": 33, "97409": 57, "97410": 38, "97411": 153, "97412": 38, "97413": 34, "97414": 53,
    "97415": 105, "97416": 85, "97417": 5, "97418": 34, "97419": 6, "97420": 24, "97421": 7,
    "97422": 80, "97423": 7, "97424": 5,
}


@dataclass(frozen=True)
class TypeProfile:
    etp: tuple[float, float]  # etp_conventionnes range
    statut: dict[str, float]
    ape: tuple[tuple[str, str], ...]  # (code_ape, activite_principale)
    contrat: dict[str, float]
    hebdo: dict[float, float]  # weekly hours of the contract: weight
    attendance: tuple[float, float]  # share of contract hours really worked
    months: tuple[float, float, float]  # contract length, triangular (low, high, mode)
    female: float
    public_per_etp: tuple[float, float]  # public funding per conventioned FTE, euros
    ratio_public_ca: tuple[float, float]  # public funding / turnover
    shares: tuple[float, float, float, float]  # turnover: particuliers, entreprises, associations, collectivites
    names: tuple[str, ...]
    reseaux: tuple[str | None, ...]


PROFILES: dict[str, TypeProfile] = {
    "ACI": TypeProfile(
        etp=(5, 30),
        statut={"ASSOCIATION": 86, "COLLECTIVITE": 7, "SCIC": 4, "AUTRE": 3},
        ape=(("8899B", "Chantier d'insertion polyvalent : espaces naturels et petit bâti"),
             ("8130Z", "Entretien d'espaces verts et aménagement paysager"),
             ("0210Z", "Sylviculture, entretien des sentiers et lutte contre les espèces invasives"),
             ("3832Z", "Récupération et valorisation des déchets"),
             ("4399C", "Rénovation du petit patrimoine bâti"),
             ("0113Z", "Maraîchage biologique et vente de paniers"),
             ("9499Z", "Chantier d'insertion : restauration de cases créoles")),
        contrat={"CDDI": 95, "CONTRAT_AIDE": 5},
        hebdo={26: 60, 20: 10, 24: 10, 30: 8, 35: 10, 22.5: 2},
        attendance=(0.75, 0.95), months=(2, 20, 6), female=0.38,
        public_per_etp=(26000, 36000), ratio_public_ca=(2.0, 5.0),
        shares=(20, 10, 10, 60),
        names=("Association {place}", "Chantier {place}", "Chantier d'insertion {place}",
               "Atelier {nature} {place}", "Jardins de {place}", "Régie de quartier {place}",
               "Association {nature} Solidaire", "Association {nature} {place}"),
        reseaux=("Chantier École Réunion", "FAS Réunion", "COORACE Réunion", None, None),
    ),
    "AI": TypeProfile(
        etp=(10, 40),
        statut={"ASSOCIATION": 100},
        ape=(("7830Z", "Mise à disposition de personnel auprès de particuliers, collectivités et entreprises"),
             ("8899B", "Services aux particuliers et mise à disposition de personnel"),
             ("8810A", "Aide à domicile et petits travaux")),
        contrat={"MISE_A_DISPOSITION": 88, "CDDI": 8, "AUTRE": 4},
        hebdo={20: 22, 24: 20, 26: 20, 30: 12, 35: 8, 15: 8, 17.5: 10},
        attendance=(0.4, 0.8), months=(1, 18, 5), female=0.62,
        public_per_etp=(3000, 7000), ratio_public_ca=(0.06, 0.25),
        shares=(45, 20, 10, 25),
        names=("AI {place}", "Association intermédiaire {place}", "Entraide Services {basin}",
               "Coup de Main {place}", "Solidarité Emploi {place}", "Association {nature} Services"),
        reseaux=("COORACE Réunion", None),
    ),
    "EI": TypeProfile(
        etp=(4, 20),
        statut={"SARL": 40, "SAS": 28, "SCOP": 10, "EURL": 8, "SCIC": 4, "ASSOCIATION": 10},
        ape=(("3832Z", "Tri et recyclage des déchets"),
             ("4399C", "Second œuvre du bâtiment"),
             ("8121Z", "Nettoyage courant des bâtiments"),
             ("5629B", "Restauration collective"),
             ("8130Z", "Espaces verts pour les entreprises et les copropriétés"),
             ("4520A", "Entretien et réparation de véhicules"),
             ("4779Z", "Ressourcerie : vente d'objets de seconde main")),
        contrat={"CDDI": 97, "AUTRE": 3},
        hebdo={35: 60, 26: 10, 30: 15, 28: 5, 32.5: 5, 39: 5},
        attendance=(0.8, 0.97), months=(3, 24, 9), female=0.40,
        public_per_etp=(13000, 19000), ratio_public_ca=(0.1, 0.4),
        shares=(15, 60, 5, 20),
        names=("{nature} Services", "Recyclerie {place}", "Kaz Rénov {basin}", "Bois Péi Insertion {place}",
               "Réunion Tri Services {place}", "Lagon Propreté {basin}", "Tremplin Bâtiment {place}",
               "Ressourcerie {nature}"),
        reseaux=("Fédération des entreprises d'insertion Réunion", "COORACE Réunion", None),
    ),
    "ETTI": TypeProfile(
        etp=(5, 25),
        statut={"SARL": 40, "SAS": 40, "SCOP": 10, "SCIC": 10},
        ape=(("7820Z", "Travail temporaire d'insertion"),),
        contrat={"MISSION_INTERIM": 100},
        hebdo={35: 70, 39: 15, 30: 8, 24: 5, 42: 2},
        attendance=(0.6, 0.9), months=(1, 12, 3), female=0.25,
        public_per_etp=(6000, 10000), ratio_public_ca=(0.1, 0.3),
        shares=(2, 80, 3, 15),
        names=("Réunion Intérim Solidaire", "Intérim Insertion {basin}", "Tremplin Intérim {place}",
               "Passerelle Intérim Océan Indien", "Avenir Intérim {place}", "{nature} Intérim"),
        reseaux=("Fédération des entreprises d'insertion Réunion", "COORACE Réunion", None),
    ),
    "EITI": TypeProfile(
        etp=(1, 5),
        statut={"SAS": 40, "SCIC": 30, "SCOP": 20, "ASSOCIATION": 10},
        ape=(("8299Z", "Accompagnement de travailleurs indépendants"),
             ("7830Z", "Mise à disposition de travailleurs indépendants"),
             ("9609Z", "Services aux particuliers par des travailleurs indépendants")),
        contrat={"AUTRE": 100},
        hebdo={20: 30, 25: 25, 30: 25, 35: 20},
        attendance=(0.55, 0.9), months=(6, 30, 14), female=0.45,
        public_per_etp=(8000, 14000), ratio_public_ca=(0.15, 0.5),
        shares=(40, 40, 5, 15),
        names=("Coopérative Indépendants {place}", "Péi Indépendants Solidaires", "Réunion Activités Solidaires",
               "{nature} Indépendants"),
        reseaux=(None, "Fédération des entreprises d'insertion Réunion"),
    ),
}
for _t, _p in PROFILES.items():
    _check("TYPE_SIAE", _t)
    _check("STATUT_JURIDIQUE", *_p.statut)
    _check("TYPE_CONTRAT", *_p.contrat)

PLACES = {
    "NORD": ("Bois de Nèfles", "La Montagne", "Bellepierre", "Le Chaudron", "Moufia", "Sainte-Clotilde",
             "Rivière des Pluies", "Beauséjour", "La Bretagne", "Le Brûlé", "Quartier Français"),
    "EST": ("Bras-Panon", "Champ Borne", "Bras Fusil", "Bois Rouge", "Salazie", "Hell-Bourg",
            "Grand Îlet", "Sainte-Anne", "Bérive", "Plaine des Palmistes", "Rivière de l'Est"),
    "OUEST": ("Bois de Nèfles Saint-Paul", "La Saline", "L'Hermitage", "Tan Rouge", "Piton Saint-Leu",
              "Trois-Bassins", "Dos d'Âne", "Rivière des Galets", "Mafate", "Plateau Caillou", "Le Guillaume"),
    "SUD": ("Ravine des Cabris", "Grand Coude", "Bras de la Plaine", "Les Makes", "Pierrefonds", "Le Gol",
            "Terre-Sainte", "Ravine Blanche", "Vincendo", "Langevin", "Trois-Mares", "Plaine des Cafres",
            "Bois d'Olives", "Manapany", "Cilaos"),
}
NATURE = ("Rivière Verte", "Vétiver", "Vacoa", "Tamarin", "Goyavier", "Letchi", "Bois de Fer", "Fanjan",
          "Filaos", "Palmiste", "Bambou", "Zembrocal", "Lagon", "Horizon", "Tremplin", "Passerelle",
          "Avenir", "Entraide", "Ravine Claire", "Source Bleue", "Kaz Péi", "Benjoin")
AUTRES_ACTIVITES = ("Formation aux gestes professionnels", "Vente de plants endémiques",
                    "Petits travaux chez les particuliers", "Livraison de paniers de légumes",
                    "Entretien de sentiers pour l'ONF", "Collecte d'encombrants", "Atelier vélo")
PARTENAIRES = ("France Travail", "Mission locale", "CCAS", "Département", "CGSS", "PLIE", "SPIP",
               "Secours catholique", "ARS", "Cap emploi", "Croix-Rouge", "CAF")
COMMENTAIRES = ("RAS", "à vérifier", "saisie par la DDETS", "cf. mail du 12 février",
                "salarié en arrêt maladie", "données provisoires", "renouvellement en cours")

SEX_CHOICE = {t: Choice(["F", "M"], [p.female, 1 - p.female]) for t, p in PROFILES.items()}
_check("SEXE", "F", "M")
ORIENTATION_YOUNG = code_choice("ORIENTATION", {"MISSION_LOCALE": 55, "FRANCE_TRAVAIL": 25, "SERVICE_SOCIAL": 5,
                                                "SPIP": 3, "SPONTANEE": 7, "DEPARTEMENT": 2, "AUTRE": 3})
ORIENTATION_ADULT = code_choice("ORIENTATION", {"FRANCE_TRAVAIL": 45, "DEPARTEMENT": 18, "PLIE": 8,
                                                "SERVICE_SOCIAL": 7, "CAP_EMPLOI": 3, "SPIP": 3,
                                                "SPONTANEE": 8, "AUTRE": 4, "MISSION_LOCALE": 1}, default=1)
STATUT_YOUNG = code_choice("STATUT_ENTREE", {"JEUNE_SANS_QUALIFICATION": 45, "DELD": 15, "RSA": 10,
                                             "AUTRE": 20, "TH": 5, "AAH": 5})
STATUT_ADULT = code_choice("STATUT_ENTREE", {"RSA": 45, "DELD": 25, "ASS": 6, "AAH": 4, "TH": 5, "AUTRE": 15})
DIFFICULTE_P = {"MOBILITE": 0.40, "LOGEMENT": 0.30, "SAVOIRS_DE_BASE": 0.25, "FINANCES": 0.30, "SANTE": 0.20,
                "FAMILLE": 0.20, "JUSTICE": 0.05, "ADDICTION": 0.07, "LANGUE": 0.03, "AUTRE": 0.05}
ACTION_P = {"FORMATION": 0.45, "IMMERSION": 0.20, "MOBILITE": 0.20, "LOGEMENT": 0.10, "SOINS": 0.10, "AUTRE": 0.10}
_check("DIFFICULTE", *DIFFICULTE_P)
_check("ACTION", *ACTION_P)
DIFFICULTE_LIST = [(c, DIFFICULTE_P.get(c, 0.03)) for c in CODE_LISTS["DIFFICULTE"]]
ACTION_LIST = [(c, ACTION_P.get(c, 0.05)) for c in CODE_LISTS["ACTION"]]
ACCOMPAGNEMENT = code_choice("ACCOMPAGNEMENT", {"INTERNE": 55, "MIXTE": 30, "EXTERNE": 15}, default=5)

# Exit reasons: category weights of the brief, then the codes of each category (from the contract).
MOTIF_CATEGORY_WEIGHTS = {"EMPLOI_DURABLE": 25, "EMPLOI_TRANSITION": 20, "SORTIE_POSITIVE": 10,
                          "AUTRE_SORTIE": 35, "NEUTRE": 10}
MOTIF_CODE_WEIGHTS = {"CDI": 35, "CDD_6_MOIS_PLUS": 45, "CREATION_ENTREPRISE": 5, "FONCTION_PUBLIQUE": 15,
                      "CDD_MOINS_6_MOIS": 50, "INTERIM": 30, "CONTRAT_AIDE": 20,
                      "FORMATION_QUALIFIANTE": 60, "AUTRE_SIAE": 40,
                      "CHOMAGE": 40, "INACTIVITE": 15, "SANS_NOUVELLES": 20, "RUPTURE": 25,
                      "DEMENAGEMENT": 40, "RAISONS_SANTE": 45, "DECES": 3, "RETRAITE": 12}
_check("MOTIF_SORTIE", *MOTIF_CODE_WEIGHTS)


def _motif_choice() -> Choice:
    items, weights = [], []
    for cat, codes in MOTIF_CATEGORIES.items():
        cw = MOTIF_CATEGORY_WEIGHTS.get(cat, 5)
        inner = [MOTIF_CODE_WEIGHTS.get(c, 10) for c in codes]
        for c, w in zip(codes, inner):
            items.append(c)
            weights.append(cw * w / sum(inner))
    return Choice(items, weights)


MOTIF = _motif_choice()
RETRAITE, RETIREMENT_FALLBACK = "RETRAITE", "RAISONS_SANTE"
_check("MOTIF_SORTIE", RETRAITE, RETIREMENT_FALLBACK)

EVOLUTION_AIRE = code_choice("EVOLUTION_AIRE", {"STABLE": 70, "EXTENSION": 22, "REDUCTION": 8})
CONCURRENCE = code_choice("CONCURRENCE", {"AUCUNE": 15, "FAIBLE": 35, "MOYENNE": 35, "FORTE": 15})
EVOLUTION = ("DEVELOPPEMENT", "STABLE", "RECUL")
_check("EVOLUTION", *EVOLUTION)

# Permanent staff.
STAFF_STATUT = code_choice("STATUT_PERMANENT", {"CDI": 65, "CDD": 15, "CONTRAT_AIDE": 12, "MIS_A_DISPOSITION": 8})
DIRECTION_STATUT = code_choice("STATUT_PERMANENT", {"CDI": 85, "MIS_A_DISPOSITION": 10, "CDD": 5})
BENEVOLE = "BENEVOLE"
_check("STATUT_PERMANENT", BENEVOLE)
STAFF_YEARS = {"CDI": (2, 20, 6), "CDD": (0.3, 1.5, 0.8), "CONTRAT_AIDE": (0.75, 2, 1),
               "MIS_A_DISPOSITION": (1, 5, 2), BENEVOLE: (2, 15, 5)}
STAFF_MOTIF = {
    "CDI": code_choice("MOTIF_SORTIE_PERMANENT", {"DEMISSION": 50, "LICENCIEMENT": 15, "RETRAITE": 20, "AUTRE": 15}),
    "CDD": code_choice("MOTIF_SORTIE_PERMANENT", {"FIN_CDD": 80, "DEMISSION": 20}),
    "CONTRAT_AIDE": code_choice("MOTIF_SORTIE_PERMANENT", {"FIN_CDD": 70, "AUTRE": 20, "DEMISSION": 10}),
}
STAFF_MOTIF_OTHER = code_choice("MOTIF_SORTIE_PERMANENT", {"AUTRE": 1})
STAFF_DIPLOMA = {"DIRECTION": (5, 7), "ENCADRANT_TECHNIQUE": (3, 5), "ACCOMPAGNATEUR_SOCIOPRO": (5, 6),
                 "ADMINISTRATIF": (4, 5)}
_check("FONCTION", *STAFF_DIPLOMA)
VOLUNTEER_FONCTION = code_choice("FONCTION", {"DIRECTION": 40, "ADMINISTRATIF": 35, "AUTRE": 25})


def _staff_roles(t: str, etp: float, rng: random.Random) -> list[str]:
    """The permanent posts of a structure: one fonction per post."""
    n = {f: 0 for f in CODE_LISTS["FONCTION"]}
    n["DIRECTION"] = 1
    if t == "ACI":
        n["ENCADRANT_TECHNIQUE"] = max(1, round(etp / 6))
        n["ACCOMPAGNATEUR_SOCIOPRO"] = max(1, round(etp / 15))
        n["ADMINISTRATIF"] = 1 + (etp > 20)
        n["AUTRE"] = rng.random() < 0.4
    elif t == "AI":
        n["ACCOMPAGNATEUR_SOCIOPRO"] = max(1, round(etp / 10))
        n["ADMINISTRATIF"] = max(1, round(etp / 12))
        n["ENCADRANT_TECHNIQUE"] = rng.random() < 0.3
    elif t == "EI":
        n["ENCADRANT_TECHNIQUE"] = max(1, round(etp / 5))
        n["ACCOMPAGNATEUR_SOCIOPRO"] = rng.random() < 0.7
        n["ADMINISTRATIF"] = 1
    elif t == "ETTI":
        n["ACCOMPAGNATEUR_SOCIOPRO"] = max(1, round(etp / 6))
        n["ADMINISTRATIF"] = 1
        n["AUTRE"] = rng.random() < 0.5
    else:
        n["ACCOMPAGNATEUR_SOCIOPRO"] = 1
        n["ADMINISTRATIF"] = rng.random() < 0.5
    return [f for f, k in n.items() for _ in range(int(k))]


# ---------------------------------------------------------------------------------------------
# Population: the structures and their life span.


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_with_check(payload13: str) -> str:
    """Append the Luhn check digit to 13 digits."""
    for d in "0123456789":
        if luhn_ok(payload13 + d):
            return payload13 + d
    raise AssertionError("unreachable")


@dataclass
class Siae:
    idx: int
    siret: str
    raison_sociale: str
    type_siae: str
    commune_insee: str
    bassin: str
    statut_juridique: str
    code_ape: str
    activite_principale: str
    autres_activites: str | None
    reseau: str | None
    first_year: int
    last_year: int
    etp_base: float
    young_zero_ca: bool = False  # a young ACI with no turnover in its first year
    silent_year: int | None = None  # sends no return at all that year
    workbook: bool = False  # sends one workbook per year (EST, messy format)


def _apportion(n: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest remainder: integer counts summing to n, as close to the shares as possible."""
    total = sum(shares.values())
    raw = {k: n * v / total for k, v in shares.items()}
    counts = {k: int(math.floor(v)) for k, v in raw.items()}
    rest = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - counts[k]), k))[:rest]:
        counts[k] += 1
    return counts


def build_population(n_siae: int, years: list[int], seed: int = SEED) -> list[Siae]:
    rng = random.Random(seed)
    counts = _apportion(n_siae, TYPE_SHARES)
    types = [t for t, k in counts.items() for _ in range(k)]
    rng.shuffle(types)

    basins: dict[str, list[tuple[str, str]]] = {}
    for insee, nom, bassin in COMMUNES_REUNION:
        basins.setdefault(bassin, []).append((insee, nom))
    commune_choice = {b: Choice([c for c, _ in cs], [COMMUNE_WEIGHTS.get(c, 10) for c, _ in cs])
                      for b, cs in basins.items()}
    commune_name = {insee: nom for insee, nom, _ in COMMUNES_REUNION}

    # Life span: a few new structures each year, a couple stop before the last year.
    n_years = len(years)
    per_year_new = 0 if n_years < 2 else min(round(n_siae * 0.05), n_siae // (10 * (n_years - 1)))
    first_years = [years[0]] * (n_siae - per_year_new * (n_years - 1))
    for y in years[1:]:
        first_years += [y] * per_year_new
    n_stop = round(n_siae * 0.03) if n_years >= 2 else 0

    sirets: set[str] = set()
    names: set[str] = set()
    out: list[Siae] = []
    basin_counts = _apportion(n_siae, {b: BASIN_WEIGHTS.get(b, 15) for b in basins})
    basin_of = [b for b, k in basin_counts.items() for _ in range(k)]
    rng.shuffle(basin_of)
    for idx, (t, fy, bassin) in enumerate(zip(types, first_years, basin_of)):
        p = PROFILES[t]
        while True:
            siret = siret_with_check(str(rng.choice("345789")) + "".join(str(rng.randrange(10)) for _ in range(12)))
            if siret not in sirets:
                sirets.add(siret)
                break
        insee = commune_choice[bassin](rng)
        statut = Choice.of(p.statut)(rng)
        basin_label = CODE_LISTS["BASSIN"].get(bassin, bassin.title())
        for attempt in range(30):
            place = rng.choice(PLACES.get(bassin, ()) or (commune_name[insee],)) if rng.random() < 0.8 \
                else commune_name[insee]
            name = rng.choice(p.names).format(place=place, nature=rng.choice(NATURE), basin=basin_label)
            if attempt >= 20:
                name = f"{name} {commune_name[insee]}" if attempt == 20 else f"{name} {attempt - 19}"
            if name not in names:
                break
        if statut in ("SARL", "SAS", "SCOP", "EURL", "SCIC") and rng.random() < 0.5:
            name = f"{name} {statut}"
        names.add(name)
        ape, activite = rng.choice(p.ape)
        out.append(Siae(
            idx=idx, siret=siret, raison_sociale=name, type_siae=t, commune_insee=insee, bassin=bassin,
            statut_juridique=statut, code_ape=ape, activite_principale=activite,
            autres_activites=rng.choice(AUTRES_ACTIVITES) if rng.random() < 0.3 else None,
            reseau=rng.choice(p.reseaux), first_year=fy, last_year=years[-1],
            etp_base=round(rng.uniform(*p.etp) * 2) / 2,
        ))

    # Structures that stop: among the ones present from the first year.
    old = [s for s in out if s.first_year == years[0]]
    for s in rng.sample(old, min(n_stop, len(old))):
        s.last_year = rng.choice(years[:-1])
    # The young ACI with no turnover yet: a new one if there is one.
    acis = [s for s in out if s.type_siae == "ACI"]
    young = [s for s in acis if s.first_year > years[0]] or acis
    if young:
        young[0].young_zero_ca = True
    # One or two structures send nothing at all in the last year.
    candidates = [s for s in out if s.first_year < years[-1] and s.last_year == years[-1]
                  and not s.young_zero_ca]
    for s in rng.sample(candidates, min(len(candidates), max(1, round(n_siae * 0.025)))):
        s.silent_year = years[-1]
    # In the East, a few structures send one workbook instead of lines in the basin's CSV.
    est = [s for s in out if s.bassin == "EST"]
    for s in rng.sample(est, max(1, round(len(est) * 0.4)) if est else 0):
        s.workbook = True
    return out


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
        return min(25, int(_tri(rng, 16, 26, 22)))
    if r < 0.35:
        return min(70, int(_tri(rng, 50, 67, 52)))
    return rng.randint(26, 49)


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
    per_post = _mean_hebdo(p) * sum(p.attendance) / 2 * (365 / 7) / 1607 * 0.93
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
            young = age < 26
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
_check("STATUT_JURIDIQUE", ASSOCIATION)
_check("FONCTION", DIRECTION, ENCADRANT)
_check("MOTIF_SORTIE_PERMANENT", "RETRAITE", "DEMISSION")


def _staff(rng: random.Random, s: Siae, p: TypeProfile, years: list[int],
           active: list[int]) -> dict[int, list[dict]]:
    """Permanent staff and volunteers: each post held by a sequence of people."""
    existing, stops, year_start, year_end, hard_stop = _span(years, active)
    rows: dict[int, list[dict]] = {y: [] for y in active}
    posts = [(f, False) for f in _staff_roles(s.type_siae, s.etp_base, rng)]
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
    counts = _apportion(units, {i: x for i, x in enumerate(w)} if sum(w) else {0: 1, 1: 1, 2: 1, 3: 1})
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


# ---------------------------------------------------------------------------------------------
# Headers: the French label of the contract (matched after folding, like the snake name).


def french_header(col: Column) -> str:
    return col.label


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def caps_header(col: Column) -> str:
    return strip_accents(re.sub(r"\s*\([^)]*\)", "", french_header(col))).upper()


# ---------------------------------------------------------------------------------------------
# Plain format: one CSV per template per year, streamed chunk by chunk.


def _plain_formatters(template: str):
    iso: dict[date, str] = {}

    def fmt_date(v):
        s = iso.get(v)
        if s is None:
            s = iso[v] = v.isoformat()
        return s

    out = []
    for col in TEMPLATES[template].columns:
        if col.type == DATE:
            out.append((col.name, fmt_date))
        elif col.type == BOOL:
            out.append((col.name, lambda v: "true" if v else "false"))
        elif col.type == CODES:
            out.append((col.name, ",".join))
        else:
            out.append((col.name, str))
    return out


def _plain_chunk(args) -> dict[tuple[int, str], str]:
    """CSV text (no header) of a chunk of structures, per (annee, template)."""
    population, years, seed = args
    buffers: dict[tuple[int, str], io.StringIO] = {}
    writers = {}
    formatters = {t: _plain_formatters(t) for t in OUTPUT_TEMPLATES}
    for s in population:
        for y, templates in simulate_siae(s, years, seed).items():
            for name, rows in templates.items():
                key = (y, name)
                w = writers.get(key)
                if w is None:
                    buffers[key] = io.StringIO()
                    w = writers[key] = csv.writer(buffers[key], delimiter=";", lineterminator="\n")
                fm = formatters[name]
                w.writerows([["" if (v := row[c]) is None else f(v) for c, f in fm] for row in rows])
    return {k: b.getvalue() for k, b in buffers.items()}


def write_plain(out_dir: Path, population: list[Siae], years: list[int], seed: int,
                workers: int = 1, chunk: int = 100) -> list[Path]:
    files: dict[tuple[int, str], io.TextIOWrapper] = {}
    paths = []
    for y in years:
        (out_dir / str(y)).mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_TEMPLATES:
            path = out_dir / str(y) / f"{name}_{y}.csv"
            f = files[(y, name)] = open(path, "w", encoding="utf-8", newline="")
            f.write(";".join(TEMPLATES[name].column_names) + "\n")
            paths.append(path)
    tasks = [(population[i:i + chunk], years, seed) for i in range(0, len(population), chunk)]
    try:
        if workers > 1 and len(tasks) > 1:
            import multiprocessing as mp

            with mp.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(workers) as pool:
                for part in pool.imap(_plain_chunk, tasks):
                    for key, text in part.items():
                        files[key].write(text)
        else:
            for task in tasks:
                for key, text in _plain_chunk(task).items():
                    files[key].write(text)
    finally:
        for f in files.values():
            f.close()
    return paths


# ---------------------------------------------------------------------------------------------
# Messy format: what the structures really send.


@dataclass(frozen=True)
class Flavour:
    name: str
    sep: str
    encoding: str
    header: str  # label | name | caps
    decimal: str
    money_thousands: tuple[str, ...]  # separators drawn for money amounts ("" = none)
    dates: str  # fr | iso
    yes_no: tuple[tuple[str, str], ...]
    list_seps: tuple[str, ...]
    code_noise: float  # share of code cells written in another case / with accents / spaces
    lineterminator: str = "\n"
    extra_column: str | None = None
    trailing_empty_row: bool = False
    drop: tuple[str, ...] = ()  # optional columns this flavour does not send
    first: tuple[str, ...] = ()  # columns moved to the front


FLAVOURS = {
    "SUD": Flavour("SUD", ";", "cp1252", "label", ",", (" ", "\xa0", ""), "fr",
                   (("oui", "non"), ("Oui", "Non")), (",", ", "), 0.3, lineterminator="\r\n",
                   drop=("date_agrement",)),
    "OUEST": Flavour("OUEST", ";", "utf-8-sig", "name", ",", ("",), "iso", (("1", "0"),), (",",), 0.05,
                     lineterminator="\r\n"),
    "NORD": Flavour("NORD", ",", "utf-8", "caps", ".", ("",), "fr", (("O", "N"),), ("+", "|"), 0.1,
                    drop=("partenaires", "autres_activites")),
    "EST": Flavour("EST", ";", "utf-8", "label", ",", ("",), "fr", (("x", ""),), (",",), 0.1,
                   extra_column="Commentaire", trailing_empty_row=True, first=("siret",)),
}
DEFAULT_FLAVOUR = "OUEST"  # the basin of another department


def _code_variants(list_name: str, code: str) -> list[str]:
    """Ways of writing a code that differ only by case, accents or trailing spaces."""
    variants = [code.lower(), code.capitalize() + " ", code.lower() + " ", code.title()]
    accented = CODE_LISTS[list_name].get(code, "").replace(" ", "_")  # "Contrat_aidé"
    if strip_accents(accented).upper() == code and accented.upper() != code:
        variants += [accented, accented.lower()]
    return variants


_VARIANTS = {(ln, c): _code_variants(ln, c) for ln, codes in CODE_LISTS.items() for c in codes}


def _number(v: float, decimal: str, thousands: str = "", money: bool = False, cents: bool = True) -> str:
    if money:
        s = f"{abs(v):,.2f}" if (cents or v != int(v)) else f"{abs(v):,.0f}"
        s = s.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
        return "-" + s if v < 0 else s
    if isinstance(v, int) or v == int(v):
        return str(int(v))
    return repr(float(v)).replace(".", decimal)


class MessyWriter:
    def __init__(self, out_dir: Path, seed: int):
        self.out_dir = out_dir
        self.seed = seed
        self.written: list[Path] = []

    def rng_for(self, rel: str) -> random.Random:
        return random.Random(f"{self.seed}:{rel}")

    # ---- CSV
    def cell(self, fl: Flavour, template: str, col: Column, v, rng: random.Random, cents: bool) -> str:
        if v is None:
            return ""
        t = col.type
        if t == DATE:
            return f"{v.day:02d}/{v.month:02d}/{v.year}" if fl.dates == "fr" else v.isoformat()
        if t == BOOL:
            yes, no = rng.choice(fl.yes_no)
            return yes if v else no
        if t == CODE:
            return rng.choice(_VARIANTS[(col.codes, v)]) if rng.random() < fl.code_noise else v
        if t == CODES:
            sep = rng.choice(fl.list_seps)
            return sep.join(rng.choice(_VARIANTS[(col.codes, c)]).strip() if rng.random() < fl.code_noise else c
                            for c in v)
        if t == DEC:
            money = template == "finances"
            return _number(v, fl.decimal, rng.choice(fl.money_thousands) if money else "", money, cents)
        return str(v)

    def header(self, fl: Flavour, col: Column) -> str:
        if fl.header == "name":
            return col.name
        if fl.header == "caps":
            return caps_header(col)
        return french_header(col)

    def write_csv(self, rel: str, fl: Flavour, template: str, rows: list[tuple[Siae, dict]]) -> None:
        rng = self.rng_for(rel)
        cols = [c for c in TEMPLATES[template].columns if c.name not in fl.drop or c.required]
        cols = [c for c in cols if c.name in fl.first] + [c for c in cols if c.name not in fl.first]
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=fl.sep, lineterminator=fl.lineterminator)
        header = [self.header(fl, c) for c in cols]
        if fl.extra_column:
            header.append(fl.extra_column)
        w.writerow(header)
        cents_of: dict[str, bool] = {}
        for s, row in rows:
            cents = cents_of.setdefault(s.siret, rng.random() < 0.6)
            line = [self.cell(fl, template, c, row[c.name], rng, cents) for c in cols]
            if fl.extra_column:
                line.append(rng.choice(COMMENTAIRES) if rng.random() < 0.1 else "")
            w.writerow(line)
        if fl.trailing_empty_row:
            w.writerow([""] * len(header))
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.getvalue().encode(fl.encoding))
        self.written.append(path)

    # ---- workbooks
    def write_xlsx(self, rel: str, sheets: dict[str, list[dict]], created: datetime,
                   code_noise: float = 0.0) -> None:
        import xlsxwriter

        rng = self.rng_for(rel)
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                             "strings_to_urls": False})
        wb.set_properties({"created": created, "author": "Observatoire IAE (données synthétiques)"})
        bold = wb.add_format({"bold": True})
        date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            cols = TEMPLATES[name].columns
            for j, c in enumerate(cols):
                ws.write_string(0, j, french_header(c), bold)
                ws.set_column(j, j, max(10, len(french_header(c)) + 2))
            for i, row in enumerate(rows, start=1):
                for j, c in enumerate(cols):
                    v = row[c.name]
                    if v is None:
                        continue
                    if c.type == DATE:
                        ws.write_datetime(i, j, datetime(v.year, v.month, v.day), date_fmt)
                    elif c.type in (INT, DEC):
                        ws.write_number(i, j, v)
                    elif c.type == BOOL:
                        ws.write_string(i, j, "oui" if v else "non")
                    elif c.type == CODES:
                        ws.write_string(i, j, "; ".join(v))
                    elif c.type == CODE and rng.random() < code_noise:
                        ws.write_string(i, j, rng.choice(_VARIANTS[(c.codes, v)]))
                    else:
                        ws.write_string(i, j, str(v))
        wb.close()
        self.written.append(path)


def write_messy(out_dir: Path, population: list[Siae], years: list[int], seed: int) -> list[Path]:
    mw = MessyWriter(out_dir, seed)
    by_year: dict[int, dict[str, list[tuple[Siae, dict]]]] = {y: {t: [] for t in OUTPUT_TEMPLATES} for y in years}
    workbooks: dict[int, list[tuple[Siae, dict[str, list[dict]]]]] = {y: [] for y in years}
    for s in population:
        for y, templates in simulate_siae(s, years, seed).items():
            by_year[y]["conventions"] += [(s, r) for r in templates["conventions"]]
            returns = {t: templates[t] for t in RETURNS if t in templates}
            if s.workbook:
                if returns:
                    workbooks[y].append((s, returns))
                continue
            for t, rows in returns.items():
                by_year[y][t] += [(s, r) for r in rows]
    basins = sorted({s.bassin for s in population}, key=lambda b: (b not in FLAVOURS, b))
    for y in years:
        created = datetime(y + 1, 2, 15, 9, 0, 0)
        mw.write_xlsx(f"{y}/conventions_{y}.xlsx", {"conventions": [r for _, r in by_year[y]["conventions"]]},
                      created)
        for b in basins:
            fl = FLAVOURS.get(b, FLAVOURS[DEFAULT_FLAVOUR])
            for t in RETURNS:
                rows = [(s, r) for s, r in by_year[y][t] if s.bassin == b]
                if rows:
                    mw.write_csv(f"{y}/{b.lower()}/{t}_{b.lower()}_{y}.csv", fl, t, rows)
        for s, returns in workbooks[y]:
            mw.write_xlsx(f"{y}/{s.bassin.lower()}/{s.siret}.xlsx", returns, created, code_noise=0.05)
    return mw.written


# ---------------------------------------------------------------------------------------------


def generate(out_dir, n_siae: int, years: int, last_year: int = 2025, fmt: str = "plain",
             seed: int = SEED, workers: int | None = None) -> list[Path]:
    """Write the returns of `n_siae` structures over `years` years ending with `last_year`
    into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    year_list = list(range(last_year - years + 1, last_year + 1))
    population = build_population(n_siae, year_list, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "messy":
        return write_messy(out_dir, population, year_list, seed)
    if fmt != "plain":
        raise ValueError(f"unknown format {fmt!r}")
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if n_siae >= 500 else 1
    return write_plain(out_dir, population, year_list, seed, workers=workers)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate synthetic SIAE returns (deterministic).")
    ap.add_argument("--scale", choices=sorted(SCALES), default="reunion")
    ap.add_argument("--siae", type=int, help="number of structures (default: by scale)")
    ap.add_argument("--years", type=int, help="number of years (default: by scale)")
    ap.add_argument("--last-year", type=int, default=2025)
    ap.add_argument("--out", type=Path, help="output directory (default: by scale)")
    ap.add_argument("--format", choices=("messy", "plain"), help="default: messy for reunion, plain otherwise")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--workers", type=int, help="processes for the plain format (default: up to 2)")
    args = ap.parse_args(argv)
    n, y, fmt, out = SCALES[args.scale]
    n = args.siae or n
    y = args.years or y
    fmt = args.format or fmt
    out = args.out or out
    if n < 1 or y < 1:
        ap.error("--siae and --years must be positive")
    # Regenerating replaces the year folders a previous run wrote; nothing else is removed.
    if out.is_dir():
        for child in out.iterdir():
            if child.is_dir() and re.fullmatch(r"\d{4}", child.name):
                shutil.rmtree(child)
    t0 = time.perf_counter()
    files = generate(out, n, y, args.last_year, fmt, seed=args.seed, workers=args.workers)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB written to {out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
