"""The structures of the synthetic seed and their parameters: the weights of each code (always
from the contract's lists), one profile per type of SIAE, places and names, and the
population of structures with their life span (build_population)."""

from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import dataclass
from pathlib import Path

from contract import CODE_LISTS, COMMUNES_REUNION, MOTIF_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
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


def check(list_name: str, *codes: str) -> None:
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
    check(list_name, *weights)
    codes = list(CODE_LISTS[list_name])
    return Choice(codes, [weights.get(c, default) for c in codes])


TYPE_SHARES = {"ACI": 0.55, "AI": 0.20, "EI": 0.15, "ETTI": 0.06, "EITI": 0.04}
check("TYPE_SIAE", *TYPE_SHARES)
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
    check("TYPE_SIAE", _t)
    check("STATUT_JURIDIQUE", *_p.statut)
    check("TYPE_CONTRAT", *_p.contrat)

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
check("SEXE", "F", "M")
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
check("DIFFICULTE", *DIFFICULTE_P)
check("ACTION", *ACTION_P)
DIFFICULTE_LIST = [(c, DIFFICULTE_P.get(c, 0.03)) for c in CODE_LISTS["DIFFICULTE"]]
ACTION_LIST = [(c, ACTION_P.get(c, 0.05)) for c in CODE_LISTS["ACTION"]]
ACCOMPAGNEMENT = code_choice("ACCOMPAGNEMENT", {"INTERNE": 55, "MIXTE": 30, "EXTERNE": 15}, default=5)

# Exit reasons: category weights chosen to give a plausible dynamic-exit rate, then the codes of
# each category (from the contract).
MOTIF_CATEGORY_WEIGHTS = {"EMPLOI_DURABLE": 25, "EMPLOI_TRANSITION": 20, "SORTIE_POSITIVE": 10,
                          "AUTRE_SORTIE": 35, "NEUTRE": 10}
MOTIF_CODE_WEIGHTS = {"CDI": 35, "CDD_6_MOIS_PLUS": 45, "CREATION_ENTREPRISE": 5, "FONCTION_PUBLIQUE": 15,
                      "CDD_MOINS_6_MOIS": 50, "INTERIM": 30, "CONTRAT_AIDE": 20,
                      "FORMATION_QUALIFIANTE": 60, "AUTRE_SIAE": 40,
                      "CHOMAGE": 40, "INACTIVITE": 15, "SANS_NOUVELLES": 20, "RUPTURE": 25,
                      "DEMENAGEMENT": 40, "RAISONS_SANTE": 45, "DECES": 3, "RETRAITE": 12}
check("MOTIF_SORTIE", *MOTIF_CODE_WEIGHTS)


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
check("MOTIF_SORTIE", RETRAITE, RETIREMENT_FALLBACK)

EVOLUTION_AIRE = code_choice("EVOLUTION_AIRE", {"STABLE": 70, "EXTENSION": 22, "REDUCTION": 8})
CONCURRENCE = code_choice("CONCURRENCE", {"AUCUNE": 15, "FAIBLE": 35, "MOYENNE": 35, "FORTE": 15})
EVOLUTION = ("DEVELOPPEMENT", "STABLE", "RECUL")
check("EVOLUTION", *EVOLUTION)

# Permanent staff.
STAFF_STATUT = code_choice("STATUT_PERMANENT", {"CDI": 65, "CDD": 15, "CONTRAT_AIDE": 12, "MIS_A_DISPOSITION": 8})
DIRECTION_STATUT = code_choice("STATUT_PERMANENT", {"CDI": 85, "MIS_A_DISPOSITION": 10, "CDD": 5})
BENEVOLE = "BENEVOLE"
check("STATUT_PERMANENT", BENEVOLE)
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
check("FONCTION", *STAFF_DIPLOMA)
VOLUNTEER_FONCTION = code_choice("FONCTION", {"DIRECTION": 40, "ADMINISTRATIF": 35, "AUTRE": 25})


def staff_roles(t: str, etp: float, rng: random.Random) -> list[str]:
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


def apportion(n: int, shares: dict[str, float]) -> dict[str, int]:
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
    counts = apportion(n_siae, TYPE_SHARES)
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
    basin_counts = apportion(n_siae, {b: BASIN_WEIGHTS.get(b, 15) for b in basins})
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
