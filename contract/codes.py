"""The data contract's code lists and reference communes (docs/CONTRACT.md, sections 2 and 3).

Code lists and their French labels live here only; the reference tables, the drop-downs
of the Excel templates and the UI labels are derived from them.
"""

from __future__ import annotations

from contract.constants import AGE_JEUNES, AGE_SENIORS

# Column types of the templates (docs/CONTRACT.md, section 2).
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

# Code lists (docs/CONTRACT.md, section 3), each code with its French label.

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
    "SENS": {"AU_MOINS": "Au moins : atteint si réalisé ≥ cible", "AU_PLUS": "Au plus : atteint si réalisé ≤ cible"},
}

# Exit reasons by category, in the order pages show them (docs/CONTRACT.md section 3); the
# indicators read this through ref_motif_sortie, whose categorie_rang is this order.
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
    # The codes name today's bands (public values of publics_repartition); the labels follow the constants.
    "TRANCHE_AGE": {
        "MOINS_26": f"Moins de {AGE_JEUNES} ans",
        "26_49": f"{AGE_JEUNES} à {AGE_SENIORS - 1} ans",
        "50_PLUS": f"{AGE_SENIORS} ans et plus",
    },
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
    # suivi_objectifs: how an objective stands, and where its realised value comes from.
    "STATUT_OBJECTIF": {"ATTEINT": "atteint", "NON_ATTEINT": "non atteint", "NON_MESURE": "non mesuré"},
    "SOURCE_OBJECTIF": {"CALCULE": "calculé par l'Observatoire", "SAISI": "saisi à la main"},
    "FINANCEUR": {
        "aides_etat": "État",
        "aides_departement": "Département",
        "aides_region": "Région",
        "aides_communes": "Communes et intercommunalités",
        "fse": "Fonds social européen",
        "autres_aides_publiques": "Autres aides publiques",
    },
}

# Functions whose hours count as supervision (etp_encadrement, docs/CONTRACT.md section 4).
SUPERVISION_FUNCTIONS = ("ENCADRANT_TECHNIQUE", "ACCOMPAGNATEUR_SOCIOPRO")

# Old names still found in returns, read as today's code (docs/CONTRACT.md section 3: "ex-ANPE",
# "ex-RMI/API").
CODE_ALIASES: dict[str, dict[str, str]] = {
    "ORIENTATION": {"ANPE": "FRANCE_TRAVAIL", "POLE_EMPLOI": "FRANCE_TRAVAIL"},
    "STATUT_ENTREE": {"RMI": "RSA", "API": "RSA"},
}

# Codes of a list that a department may extend: another department brings its own basins.
OPEN_CODE_LISTS = {"BASSIN"}

# The 24 communes of La Réunion with their employment basin: the default reference.
COMMUNES_REUNION: tuple[tuple[str, str, str], ...] = (
    ("97401", "Les Avirons", "SUD"),
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
