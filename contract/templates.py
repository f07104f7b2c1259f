"""The data contract's templates: columns, types, rules and French labels (docs/CONTRACT.md, section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from contract.codes import BOOL, CODE, CODES, CODE_LISTS, DATE, DEC, INT, SQL_TYPES, TEXT

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

_add(Template(
    "demande_territoire",
    "Demande par commune",
    "Statistiques publiques du besoin : demandeurs d'emploi, bénéficiaires du RSA, population, par commune "
    "et par année.",
    (
        _annee(),
        Column("commune_insee", TEXT, True, "Commune INSEE", "Code INSEE de la commune, 5 caractères.", commune=True),
        Column("demandeurs_emploi", INT, True, "Demandeurs d'emploi",
               "Demandeurs d'emploi des catégories A, B, C au 31/12 (France Travail).", min=0),
        Column("demandeurs_longue_duree", INT, False, "Demandeurs de longue durée",
               "Dont inscrits depuis 12 mois ou plus (France Travail).", min=0),
        Column("beneficiaires_rsa", INT, False, "Foyers bénéficiaires du RSA",
               "Foyers allocataires du RSA au 31/12 (CAF).", min=0),
        Column("jeunes_moins_26", INT, False, "Demandeurs de moins de 26 ans",
               "Demandeurs d'emploi de moins de 26 ans (France Travail).", min=0),
        Column("population_15_64", INT, False, "Population 15-64 ans",
               "Population de 15 à 64 ans (INSEE, recensement).", min=0),
    ),
    key=("annee", "commune_insee"),
    # Replaced by (annee, commune_insee), the rows a file holds: loaders/load.py.
    return_key=("annee", "commune_insee"),
))

# Load order in a batch: the reference first, so a return may name a commune loaded with it.
LOAD_ORDER = ("communes", "demande_territoire", "conventions", "structure", "salaries_insertion",
              "personnel_permanent", "finances")

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
