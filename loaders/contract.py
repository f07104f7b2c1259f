"""The data contract (shared/CONTRACT.md) in its one Python home.

Templates, columns, types, rules, code lists and their French labels live here only.
The pandera schemas (loaders/validate.py), the raw tables and reference tables
(warehouse/build.py), the Excel templates and the UI labels are all derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types of CONTRACT section 2.
INT, DEC, DATE, BOOL, CODE, CODES, TEXT = "int", "dec", "date", "bool", "code", "codes", "text"

SQL_TYPES = {
    INT: "INTEGER",
    DEC: "DOUBLE",
    DATE: "DATE",
    BOOL: "BOOLEAN",
    CODE: "VARCHAR",
    CODES: "VARCHAR[]",
    TEXT: "VARCHAR",
}

# ---- code lists (CONTRACT section 3), each code with its French label ----

CODE_LISTS: dict[str, dict[str, str]] = {
    "TYPE_SIAE": {
        "ACI": "Atelier et chantier d'insertion",
        "AI": "Association intermédiaire",
        "EI": "Entreprise d'insertion",
        "ETTI": "Entreprise de travail temporaire d'insertion",
        "EITI": "Entreprise d'insertion par le travail indépendant",
    },
    "BASSIN": {"NORD": "Nord", "EST": "Est", "OUEST": "Ouest", "SUD": "Sud"},
    "STATUT_JURIDIQUE": {
        "ASSOCIATION": "Association",
        "SARL": "SARL",
        "SAS": "SAS",
        "SCOP": "SCOP",
        "SCIC": "SCIC",
        "EURL": "EURL",
        "COLLECTIVITE": "Collectivité",
        "AUTRE": "Autre",
    },
    "EVOLUTION": {"DEVELOPPEMENT": "En développement", "STABLE": "Stable", "RECUL": "En recul"},
    "EVOLUTION_AIRE": {"EXTENSION": "Extension", "STABLE": "Stable", "REDUCTION": "Réduction"},
    "CONCURRENCE": {"AUCUNE": "Aucune", "FAIBLE": "Faible", "MOYENNE": "Moyenne", "FORTE": "Forte"},
    "SEXE": {"F": "Femme", "M": "Homme"},
    "ORIENTATION": {
        "FRANCE_TRAVAIL": "France Travail (ex-Pôle emploi, ex-ANPE)",
        "MISSION_LOCALE": "Mission locale",
        "DEPARTEMENT": "Département",
        "PLIE": "PLIE",
        "CAP_EMPLOI": "Cap emploi",
        "SERVICE_SOCIAL": "Service social",
        "SPIP": "SPIP (justice)",
        "SPONTANEE": "Candidature spontanée",
        "AUTRE": "Autre",
    },
    "STATUT_ENTREE": {
        "RSA": "Bénéficiaire du RSA (ex-RMI/API)",
        "ASS": "Allocation de solidarité spécifique",
        "AAH": "Allocation aux adultes handicapés",
        "DELD": "Demandeur d'emploi de longue durée",
        "TH": "Travailleur handicapé",
        "JEUNE_SANS_QUALIFICATION": "Jeune sans qualification",
        "AUTRE": "Autre",
    },
    "TYPE_CONTRAT": {
        "CDDI": "CDD d'insertion",
        "CONTRAT_AIDE": "Contrat aidé",
        "MISSION_INTERIM": "Mission d'intérim",
        "MISE_A_DISPOSITION": "Mise à disposition",
        "AUTRE": "Autre",
    },
    "DIFFICULTE": {
        "LOGEMENT": "Logement",
        "SANTE": "Santé",
        "MOBILITE": "Mobilité",
        "SAVOIRS_DE_BASE": "Savoirs de base",
        "FINANCES": "Finances",
        "JUSTICE": "Justice",
        "FAMILLE": "Famille",
        "ADDICTION": "Addiction",
        "LANGUE": "Langue",
        "AUTRE": "Autre",
    },
    "ACTION": {
        "FORMATION": "Formation",
        "IMMERSION": "Immersion en entreprise",
        "LOGEMENT": "Logement",
        "SOINS": "Soins",
        "MOBILITE": "Mobilité",
        "AUTRE": "Autre",
    },
    "ACCOMPAGNEMENT": {"INTERNE": "Interne", "EXTERNE": "Externe", "MIXTE": "Mixte"},
    "MOTIF_SORTIE": {
        "CDI": "CDI",
        "CDD_6_MOIS_PLUS": "CDD de 6 mois ou plus",
        "CREATION_ENTREPRISE": "Création d'entreprise",
        "FONCTION_PUBLIQUE": "Fonction publique",
        "CDD_MOINS_6_MOIS": "CDD de moins de 6 mois",
        "INTERIM": "Intérim",
        "CONTRAT_AIDE": "Contrat aidé",
        "FORMATION_QUALIFIANTE": "Formation qualifiante",
        "AUTRE_SIAE": "Embauche dans une autre SIAE",
        "CHOMAGE": "Chômage",
        "INACTIVITE": "Inactivité",
        "SANS_NOUVELLES": "Sans nouvelles",
        "RUPTURE": "Rupture du contrat",
        "DEMENAGEMENT": "Déménagement",
        "RAISONS_SANTE": "Raisons de santé",
        "DECES": "Décès",
        "RETRAITE": "Retraite",
    },
    "STATUT_PERMANENT": {
        "CDI": "CDI",
        "CDD": "CDD",
        "CONTRAT_AIDE": "Contrat aidé",
        "MIS_A_DISPOSITION": "Mis à disposition",
        "BENEVOLE": "Bénévole",
    },
    "FONCTION": {
        "DIRECTION": "Direction",
        "ENCADRANT_TECHNIQUE": "Encadrant technique",
        "ACCOMPAGNATEUR_SOCIOPRO": "Accompagnateur socio-professionnel",
        "ADMINISTRATIF": "Administratif",
        "AUTRE": "Autre",
    },
    "MOTIF_SORTIE_PERMANENT": {
        "DEMISSION": "Démission",
        "FIN_CDD": "Fin de CDD",
        "LICENCIEMENT": "Licenciement",
        "RETRAITE": "Retraite",
        "AUTRE": "Autre",
    },
}

# Exit reasons by category (CONTRACT section 3); the indicators read this through ref_motif_sortie.
MOTIF_CATEGORIES: dict[str, tuple[str, ...]] = {
    "EMPLOI_DURABLE": ("CDI", "CDD_6_MOIS_PLUS", "CREATION_ENTREPRISE", "FONCTION_PUBLIQUE"),
    "EMPLOI_TRANSITION": ("CDD_MOINS_6_MOIS", "INTERIM", "CONTRAT_AIDE"),
    "SORTIE_POSITIVE": ("FORMATION_QUALIFIANTE", "AUTRE_SIAE"),
    "AUTRE_SORTIE": ("CHOMAGE", "INACTIVITE", "SANS_NOUVELLES", "RUPTURE"),
    "NEUTRE": ("DEMENAGEMENT", "RAISONS_SANTE", "DECES", "RETRAITE"),
}
MOTIF_CATEGORY_LABELS = {
    "EMPLOI_DURABLE": "Emploi durable",
    "EMPLOI_TRANSITION": "Emploi de transition",
    "SORTIE_POSITIVE": "Sortie positive",
    "AUTRE_SORTIE": "Autre sortie",
    "NEUTRE": "Sortie neutre",
}
DYNAMIC_EXIT_CATEGORIES = ("EMPLOI_DURABLE", "EMPLOI_TRANSITION", "SORTIE_POSITIVE")

# Labels the indicator views group by, beyond the templates' code lists; in ref_codes too.
DERIVED_LISTS: dict[str, dict[str, str]] = {
    "TRANCHE_AGE": {"MOINS_26": "Moins de 26 ans", "26_49": "26 à 49 ans", "50_PLUS": "50 ans et plus"},
    "NIVEAU_DIPLOME": {
        "1": "Niveau 1 (savoirs de base)",
        "2": "Niveau 2",
        "3": "Niveau 3 (CAP, BEP)",
        "4": "Niveau 4 (bac)",
        "5": "Niveau 5 (bac+2)",
        "6": "Niveau 6 (bac+3/4)",
        "7": "Niveau 7 (bac+5)",
        "8": "Niveau 8 (doctorat)",
    },
    "STATUT_RETOUR": {"RECU": "Reçu", "REFUSE": "Refusé", "MANQUANT": "Manquant"},
    "FINANCEUR": {
        "aides_etat": "État",
        "aides_departement": "Département",
        "aides_region": "Région",
        "aides_communes": "Communes et intercommunalités",
        "fse": "Fonds social européen",
        "autres_aides_publiques": "Autres aides publiques",
    },
}

# Functions whose hours count as supervision (etp_encadrement, CONTRACT section 4).
SUPERVISION_FUNCTIONS = ("ENCADRANT_TECHNIQUE", "ACCOMPAGNATEUR_SOCIOPRO")

# Old names still found in returns, read as today's code (CONTRACT: "ex-ANPE", "ex-RMI/API").
CODE_ALIASES: dict[str, dict[str, str]] = {
    "ORIENTATION": {"ANPE": "FRANCE_TRAVAIL", "POLE_EMPLOI": "FRANCE_TRAVAIL"},
    "STATUT_ENTREE": {"RMI": "RSA", "API": "RSA"},
}

# Codes of a list that a department may extend: another department brings its own basins.
OPEN_CODE_LISTS = {"BASSIN"}

# The 24 communes of La Réunion with their employment basin: the default reference.
COMMUNES_REUNION: tuple[tuple[str, str, str], ...] = (
    ("97401", "Les Avirons", "OUEST"),
    ("97402", "Bras-Panon", "EST"),
    ("97403", "Entre-Deux", "SUD"),
    ("97404", "L'Étang-Salé", "SUD"),
    ("97405", "Petite-Île", "SUD"),
    ("97406", "La Plaine-des-Palmistes", "EST"),
    ("97407", "Le Port", "OUEST"),
    ("97408", "La Possession", "OUEST"),
    ("97409", "Saint-André", "EST"),
    ("97410", "Saint-Benoît", "EST"),
    ("97411", "Saint-Denis", "NORD"),
    ("97412", "Saint-Joseph", "SUD"),
    ("97413", "Saint-Leu", "OUEST"),
    ("97414", "Saint-Louis", "SUD"),
    ("97415", "Saint-Paul", "OUEST"),
    ("97416", "Saint-Pierre", "SUD"),
    ("97417", "Saint-Philippe", "SUD"),
    ("97418", "Sainte-Marie", "NORD"),
    ("97419", "Sainte-Rose", "EST"),
    ("97420", "Sainte-Suzanne", "NORD"),
    ("97421", "Salazie", "EST"),
    ("97422", "Le Tampon", "SUD"),
    ("97423", "Les Trois-Bassins", "OUEST"),
    ("97424", "Cilaos", "SUD"),
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    label: str  # French header, as in the Excel template and the UI
    help: str = ""  # what to write in the cell, shown as a note in the template
    codes: str | None = None  # code list name for CODE and CODES columns
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    pattern: str | None = None  # regex the normalised text must match
    pattern_rule: str = ""  # the pattern, said in French
    siret: bool = False  # 14 digits with the Luhn checksum
    commune: bool = False  # must be known in the communes reference

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Template:
    name: str
    label: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # (siret, annee) groups replace one another on reload; the reference is keyed by commune.
    return_key: tuple[str, ...] = ("siret", "annee")
    rules: tuple[str, ...] = field(default_factory=tuple)  # cross-field rules, see validate.py

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _annee() -> Column:
    return Column("annee", INT, True, "Année", "Année du retour (exercice), par exemple 2024.", min=2000, max=2100)


def _siret() -> Column:
    return Column("siret", TEXT, True, "SIRET", "Numéro SIRET de la structure, 14 chiffres.", siret=True)


def _money(name: str, label: str, help: str = "", required: bool = False, min: float | None = 0) -> Column:
    return Column(name, DEC, required, label, help, min=min)


def _share(name: str, label: str) -> Column:
    return Column(name, DEC, False, label, "Part du chiffre d'affaires, en % (0 à 100).", min=0, max=100)


TEMPLATES: dict[str, Template] = {}


def _add(t: Template) -> None:
    TEMPLATES[t.name] = t


_add(Template(
    "conventions",
    "Conventions",
    "Registre des SIAE conventionnées, tenu par la DDETS.",
    (
        _annee(),
        _siret(),
        Column("raison_sociale", TEXT, True, "Raison sociale", "Nom de la structure."),
        Column("type_siae", CODE, True, "Type de SIAE", "ACI, AI, EI, ETTI ou EITI.", codes="TYPE_SIAE"),
        Column("commune_insee", TEXT, True, "Commune INSEE", "Code INSEE de la commune du siège (5 caractères).",
               commune=True),
        Column("etp_conventionnes", DEC, True, "ETP conventionnés",
               "Postes d'insertion financés, en équivalents temps plein.", min=0),
    ),
    key=("annee", "siret"),
))

_add(Template(
    "structure",
    "Fiche structure",
    "Identité et activité de la structure, une ligne par SIAE et par année.",
    (
        _annee(),
        _siret(),
        Column("statut_juridique", CODE, True, "Statut juridique", codes="STATUT_JURIDIQUE"),
        Column("code_ape", TEXT, True, "Code APE", "4 chiffres et une lettre, par exemple 8899B.",
               pattern=r"^\d{4}[A-Z]$", pattern_rule="4 chiffres suivis d'une lettre (ex. 8899B)"),
        Column("activite_principale", TEXT, True, "Activité principale"),
        Column("autres_activites", TEXT, False, "Autres activités"),
        Column("commune_insee", TEXT, True, "Commune INSEE", "Code INSEE de la commune du siège.", commune=True),
        Column("reseau", TEXT, False, "Réseau", "Réseau professionnel auquel la structure adhère ; vide si aucun."),
        Column("evolution_activite", CODE, False, "Évolution activité", "Par rapport à l'année précédente.",
               codes="EVOLUTION"),
        _share("part_ca_particuliers", "Part CA particuliers (%)"),
        _share("part_ca_entreprises", "Part CA entreprises (%)"),
        _share("part_ca_associations", "Part CA associations (%)"),
        _share("part_ca_collectivites", "Part CA collectivités (%)"),
        Column("concurrence", CODE, False, "Concurrence", codes="CONCURRENCE"),
        Column("evolution_aire_geographique", CODE, False, "Évolution aire géographique",
               "Évolution attendue de l'aire d'intervention l'année suivante.", codes="EVOLUTION_AIRE"),
        Column("effectif_insertion_prevu_n1", INT, False, "Effectif insertion prévu n+1",
               "Nombre de salariés en insertion prévus l'année suivante.", min=0),
        Column("formation_salaries", BOOL, False, "Formation salariés", "Un plan de formation existe (oui/non)."),
        Column("formation_permanents", BOOL, False, "Formation permanents", "Un plan de formation existe (oui/non)."),
    ),
    key=("annee", "siret"),
    rules=("shares_sum_100",),
))

_add(Template(
    "salaries_insertion",
    "Salariés en insertion",
    "Une ligne par contrat d'insertion présent pendant l'année.",
    (
        _annee(),
        _siret(),
        Column("identifiant", TEXT, True, "Identifiant",
               "Numéro d'agrément ou code interne ; jamais le nom de la personne."),
        Column("sexe", CODE, True, "Sexe", "F ou M.", codes="SEXE"),
        Column("annee_naissance", INT, True, "Année de naissance", "Âge à l'entrée entre 16 et 70 ans."),
        Column("orientation", CODE, True, "Orientation", "Organisme qui a orienté la personne.", codes="ORIENTATION"),
        Column("statut_entree", CODE, True, "Statut à l'entrée", "Situation administrative principale à l'entrée.",
               codes="STATUT_ENTREE"),
        Column("date_agrement", DATE, False, "Date d'agrément", "JJ/MM/AAAA."),
        Column("type_contrat", CODE, True, "Type de contrat", codes="TYPE_CONTRAT"),
        Column("heures_hebdo_contrat", DEC, True, "Heures hebdo contrat",
               "Durée hebdomadaire prévue au contrat (plus de 0, au plus 48).", min=0, max=48, min_exclusive=True),
        Column("heures_travaillees", DEC, True, "Heures travaillées",
               "Heures travaillées pendant l'année du retour (0 à 2 300).", min=0, max=2300),
        Column("commune_travail", TEXT, False, "Commune de travail", "Code INSEE.", commune=True),
        Column("difficultes", CODES, False, "Difficultés", "Codes séparés par des virgules.", codes="DIFFICULTE"),
        Column("actions", CODES, False, "Actions", "Codes séparés par des virgules.", codes="ACTION"),
        Column("accompagnement_social", CODE, False, "Accompagnement social", codes="ACCOMPAGNEMENT"),
        Column("partenaires", TEXT, False, "Partenaires"),
        Column("date_entree", DATE, True, "Date d'entrée", "JJ/MM/AAAA, au plus tard le 31/12 de l'année."),
        Column("date_sortie", DATE, False, "Date de sortie", "JJ/MM/AAAA ; vide si la personne est toujours présente."),
        Column("motif_sortie", CODE, False, "Motif de sortie", "Obligatoire si et seulement si une date de sortie est "
               "indiquée.", codes="MOTIF_SORTIE"),
    ),
    key=("annee", "siret", "identifiant", "date_entree"),
    rules=("age_at_entry", "entry_in_year", "exit_after_entry", "exit_in_or_after_year", "motif_iff_exit",
           "identifiant_pseudonyme"),
))

_add(Template(
    "personnel_permanent",
    "Personnel permanent",
    "Une ligne par salarié permanent ou bénévole présent pendant l'année.",
    (
        _annee(),
        _siret(),
        Column("identifiant", TEXT, True, "Identifiant", "Code interne ; jamais le nom de la personne."),
        Column("sexe", CODE, True, "Sexe", "F ou M.", codes="SEXE"),
        Column("annee_naissance", INT, False, "Année de naissance", min=1900, max=2100),
        Column("statut", CODE, True, "Statut", codes="STATUT_PERMANENT"),
        Column("benevole_indemnise", BOOL, False, "Bénévole indemnisé", "Seulement pour un bénévole (oui/non)."),
        Column("fonction", CODE, True, "Fonction", codes="FONCTION"),
        Column("heures_hebdo", DEC, True, "Heures hebdo", "Heures par semaine, 0 à 48 (bénévoles compris).",
               min=0, max=48),
        Column("niveau_diplome", INT, False, "Niveau de diplôme",
               "Niveau national, de 1 à 8 : 3 = CAP/BEP, 4 = bac, 5 = bac+2, 6 = bac+3/4, 7 = bac+5, 8 = doctorat.",
               min=1, max=8),
        Column("date_entree", DATE, True, "Date d'entrée", "JJ/MM/AAAA, au plus tard le 31/12 de l'année."),
        Column("date_sortie", DATE, False, "Date de sortie", "JJ/MM/AAAA ; vide si toujours présent."),
        Column("motif_sortie", CODE, False, "Motif de sortie", codes="MOTIF_SORTIE_PERMANENT"),
        Column("formation_suivie", BOOL, False, "Formation suivie", "A suivi une formation dans l'année (oui/non)."),
    ),
    key=("annee", "siret", "identifiant"),
    rules=("benevole_indemnise_only_benevole", "entry_in_year", "exit_after_entry", "exit_in_or_after_year",
           "identifiant_pseudonyme"),
))

_add(Template(
    "finances",
    "Finances",
    "Comptes de l'année, en euros, une ligne par SIAE et par année.",
    (
        _annee(),
        _siret(),
        _money("chiffre_affaires", "Chiffre d'affaires (€)",
               "Ventes et prestations, hors financements publics.", required=True),
        _money("aides_etat", "Aides État (€)", "Aides aux postes et autres aides de l'État ; vide = 0."),
        _money("aides_departement", "Aides Département (€)", "Vide = 0."),
        _money("aides_region", "Aides Région (€)", "Vide = 0."),
        _money("aides_communes", "Aides communes (€)", "Communes et intercommunalités ; vide = 0."),
        _money("fse", "FSE (€)", "Fonds social européen ; vide = 0."),
        _money("autres_aides_publiques", "Autres aides publiques (€)", "Vide = 0."),
        _money("fonds_propres", "Fonds propres (€)", "Peut être négatif.", min=None),
        _money("resultat_net", "Résultat net (€)", "Peut être négatif.", min=None),
        _money("total_charges", "Total des charges (€)"),
    ),
    key=("annee", "siret"),
))

_add(Template(
    "communes",
    "Communes",
    "Référentiel : commune et bassin d'emploi.",
    (
        Column("commune_insee", TEXT, True, "Commune INSEE", "Code INSEE, 5 caractères.",
               pattern=r"^[0-9][0-9AB][0-9]{3}$", pattern_rule="5 caractères (ex. 97411)"),
        Column("nom", TEXT, True, "Nom"),
        Column("bassin", CODE, True, "Bassin", "Bassin d'emploi (NORD, EST, OUEST, SUD à La Réunion).",
               codes="BASSIN"),
    ),
    key=("commune_insee",),
    return_key=("commune_insee",),
))

# Load order in a batch: the reference first, so a return may name a commune loaded with it.
LOAD_ORDER = ("communes", "conventions", "structure", "salaries_insertion", "personnel_permanent", "finances")

# The four returns a structure sends each year; a complete return has all four.
RETURN_TEMPLATES = ("structure", "salaries_insertion", "personnel_permanent", "finances")

# French labels of the report's own columns, in order.
REPORT_COLUMNS = {
    "fichier": "Fichier",
    "feuille": "Feuille",
    "ligne": "Ligne",
    "colonne": "Colonne",
    "valeur": "Valeur",
    "regle": "Règle",
}


def code_label(list_name: str, code: str) -> str:
    return CODE_LISTS[list_name].get(code, code)
