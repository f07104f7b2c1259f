"""The indicator catalogue: one home for the words around each column of the mart views.

Each indicator has its French label (column headers), its definition (a sentence an
officer understands), its formula, its unit (which drives the number format), the
templates it comes from and the views it appears in. Identity and dimension columns have
a label and a unit too. The glossary page, column labels and number formats read this
module; the formulas themselves live once, in sql/marts/.

Units: "nombre" (count), "decimal", "pourcentage" (a fraction, 0.42, shown as 42 %), "euros",
"etp" (full-time equivalents), "booleen", "texte", "annee", "date" (a date or a moment).
Every "pourcentage" column of a view holds a fraction, whatever its name says: `fonds_propres_pct_ca`
is 0.25 for 25 % (its name is public, in docs/CONTRACT.md), while the `part_ca_*` cells of the
structure return are typed 0 to 100 by the structures and are not read by any indicator.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract import AGE_JEUNES, AGE_SENIORS, HEURES_ANNUELLES_ETP, HEURES_HEBDO_TEMPS_PLEIN
from warehouse.themes import THEMES, theme  # noqa: F401  (the glossary's groups, read as catalogue.THEMES)

UNITS = ("nombre", "decimal", "pourcentage", "euros", "etp", "booleen", "texte", "annee", "date")

SIAE = "indicateurs_siae"
TERRITOIRE = "indicateurs_territoire"
PUBLICS = "publics_repartition"
SORTIES = "sorties_par_categorie"
FINANCEMENT = "financement_par_financeur"
PERSONNEL = "personnel_par_fonction"
OFFRE = "offre_par_bassin"
SUIVI = "suivi_retours"
ALERTES = "alertes_coherence"
DENSITE = "densite_territoire"
DENSITE_COMMUNE = "densite_commune"
POINTS = "points_attention"
OBJECTIFS = "suivi_objectifs"
ALL_MARTS = (SIAE, TERRITOIRE, PUBLICS, SORTIES, FINANCEMENT, PERSONNEL, OFFRE, SUIVI, ALERTES, DENSITE,
             DENSITE_COMMUNE, POINTS, OBJECTIFS)


@dataclass(frozen=True)
class View:
    name: str
    title: str  # French, for page and export titles
    description: str
    grain: str  # one row per ...


@dataclass(frozen=True)
class Column:
    """An identity or dimension column: what a row is about, not a measure."""

    name: str
    label: str
    unit: str = "texte"
    definition: str = ""


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str  # short, for column headers
    definition: str
    formula: str
    unit: str
    sources: tuple[str, ...]  # contract templates
    views: tuple[str, ...]
    territoire: str = ""  # how the territory rows aggregate it, when it is not a plain sum


VIEWS: dict[str, View] = {v.name: v for v in (
    View(SIAE, "Indicateurs par SIAE",
         "Les indicateurs de chaque structure conventionnée, pour chaque année : retours reçus, public accueilli, "
         "sorties, encadrement et finances.",
         "une ligne par année et par SIAE conventionnée (annee, siret)"),
    View(TERRITOIRE, "Indicateurs par territoire",
         "Les mêmes indicateurs agrégés par bassin d'emploi et type de SIAE, avec les totaux « TOUS » par bassin, "
         "par type et pour l'ensemble du territoire. Les taux sont des rapports de sommes.",
         "une ligne par année, bassin et type de SIAE (annee, bassin, type_siae), totaux compris"),
    View(PUBLICS, "Répartition des publics",
         "Les salariés en insertion présents dans l'année, répartis selon le sexe, la tranche d'âge, le statut à "
         "l'entrée, l'orientation, le type de contrat et les difficultés déclarées (une personne compte une fois "
         "par difficulté).",
         "une ligne par année, SIAE, dimension et modalité (annee, siret, dimension, modalite)"),
    View(SORTIES, "Sorties par catégorie",
         "Les sorties de salariés en insertion intervenues dans l'année, par motif et par catégorie de sortie.",
         "une ligne par année, SIAE et motif de sortie (annee, siret, motif_sortie)"),
    View(FINANCEMENT, "Financement public par financeur",
         "Les aides publiques de l'année par financeur (État, Département, Région, communes, FSE, autres), "
         "pour les SIAE qui ont transmis leurs finances.",
         "une ligne par année, SIAE et financeur (annee, siret, financeur)"),
    View(PERSONNEL, "Personnel permanent",
         "Les permanents et bénévoles présents dans l'année, par fonction, statut, niveau de diplôme et formation "
         "suivie, avec leurs équivalents temps plein.",
         "une ligne par année, SIAE, fonction, statut, niveau de diplôme et formation suivie"),
    View(OFFRE, "Offre d'insertion par bassin",
         "Le nombre de SIAE conventionnées et les ETP conventionnés par bassin d'emploi et type de SIAE.",
         "une ligne par année, bassin et type de SIAE (annee, bassin, type_siae)"),
    View(SUIVI, "Suivi des retours",
         "Pour chaque SIAE conventionnée et chaque retour annuel attendu (fiche structure, salariés en insertion, "
         "personnel permanent, finances) : reçu, refusé (un fichier le contenant a été rejeté et aucun n'est en "
         "vigueur) ou manquant.",
         "une ligne par année, SIAE conventionnée et modèle de retour (annee, siret, template)"),
    View(ALERTES, "Alertes de cohérence",
         "Points à vérifier qui ne bloquent pas le chargement : commune différente de la convention, ETP réalisés "
         "très au-dessus des ETP conventionnés (plus de 120 %), retour sans salarié en insertion, chiffre "
         "d'affaires en variation de plus de 50 % sur un an, retour d'une structure absente du registre.",
         "une ligne par année, SIAE et alerte (annee, siret, alerte)"),
    View(POINTS, "Points d'attention",
         "Les règles qui signalent une structure à regarder en priorité avant le dialogue de gestion : fonds "
         "propres négatifs trois ans de suite, ETP sous- ou sur-réalisés, forte baisse du chiffre d'affaires, "
         "forte dépendance au financement public, retours incomplets (les règles et leurs seuils : « Référentiel "
         "des indicateurs »).",
         "une ligne par année, SIAE et règle déclenchée (annee, siret, regle)"),
    View(OBJECTIFS, "Suivi du plan d'action",
         "Chaque objectif du plan d'action territorial (fiches actions des comités) avec sa cible, la valeur "
         "réalisée (calculée par l'Observatoire, ou saisie à la main pour un indicateur mesuré hors des retours), "
         "l'écart et le statut : atteint, non atteint ou non mesuré.",
         "une ligne par objectif (annee, bassin, type_siae, action, indicateur)"),
)}

IDENTITY: dict[str, Column] = {c.name: c for c in (
    Column("annee", "Année", "annee", "Année d'exercice du retour."),
    Column("siret", "SIRET", "texte", "Numéro SIRET de la structure (14 chiffres)."),
    Column("raison_sociale", "Raison sociale"),
    Column("type_siae", "Type de SIAE", "texte", "ACI, AI, EI, ETTI ou EITI ; « TOUS » pour un total."),
    Column("type_siae_libelle", "Type de SIAE (libellé)"),
    Column("commune_insee", "Commune INSEE", "texte", "Code INSEE de la commune du siège, selon la convention."),
    Column("nom_commune", "Commune"),
    Column("bassin", "Bassin", "texte", "Bassin d'emploi de la commune du siège ; « TOUS » pour un total."),
    Column("bassin_libelle", "Bassin (libellé)"),
    Column("dimension", "Dimension", "texte", "Caractéristique des publics : sexe, tranche_age, statut_entree, "
           "orientation, type_contrat ou difficulte."),
    Column("dimension_libelle", "Caractéristique"),
    Column("modalite", "Modalité", "texte", "Code de la modalité de la dimension."),
    Column("libelle", "Libellé"),
    Column("rang", "Rang", "nombre", "Ordre d'affichage de la modalité."),
    Column("categorie", "Catégorie de sortie", "texte", "EMPLOI_DURABLE, EMPLOI_TRANSITION, SORTIE_POSITIVE, "
           "AUTRE_SORTIE ou NEUTRE."),
    Column("categorie_libelle", "Catégorie de sortie (libellé)"),
    Column("categorie_rang", "Rang de la catégorie", "nombre",
           "Ordre d'affichage de la catégorie de sortie, de l'emploi durable aux sorties neutres."),
    Column("dynamique", "Sortie dynamique", "booleen", "Catégorie comptée dans les sorties dynamiques (emploi "
           "durable, emploi de transition, sortie positive)."),
    Column("motif_sortie", "Motif de sortie"),
    Column("motif_libelle", "Motif de sortie (libellé)"),
    Column("financeur", "Financeur", "texte", "Colonne d'aide publique du retour finances."),
    Column("financeur_libelle", "Financeur (libellé)"),
    Column("fonction", "Fonction"),
    Column("fonction_libelle", "Fonction (libellé)"),
    Column("statut", "Statut"),
    Column("statut_libelle", "Statut (libellé)"),
    Column("est_benevole", "Bénévole", "booleen"),
    Column("est_encadrement", "Fonction d'encadrement", "booleen",
           "Encadrant technique ou accompagnateur socio-professionnel."),
    Column("niveau_diplome", "Niveau de diplôme", "nombre", "Niveau national, de 1 à 8 (3 = CAP/BEP, 4 = bac, "
           "5 = bac+2, 6 = bac+3/4, 7 = bac+5, 8 = doctorat)."),
    Column("niveau_diplome_libelle", "Niveau de diplôme (libellé)"),
    Column("formation_suivie", "Formation suivie", "booleen", "A suivi une formation dans l'année."),
    Column("template", "Modèle de retour", "texte", "structure, salaries_insertion, personnel_permanent ou "
           "finances."),
    Column("template_libelle", "Retour"),
    Column("template_rang", "Rang", "nombre", "Ordre d'affichage du modèle."),
    Column("load_id", "N° de chargement", "nombre", "Numéro du chargement dans l'historique."),
    Column("fichier", "Fichier", "texte", "Nom du fichier qui a apporté le retour en vigueur."),
    Column("recu_le", "Reçu le", "date", "Date et heure du chargement du retour en vigueur."),
    Column("nb_lignes", "Lignes", "nombre", "Nombre de lignes du retour en vigueur."),
    Column("nb_remplacements", "Remplacements", "nombre",
           "Nombre de fois où un nouveau fichier a remplacé ce retour (les versions précédentes restent "
           "récupérables)."),
    Column("dernier_refus_le", "Dernier refus le", "date", "Date du dernier fichier refusé pour ce retour."),
    Column("dernier_refus_fichier", "Fichier refusé", "texte", "Nom du dernier fichier refusé pour ce retour."),
    Column("dernier_refus_load_id", "N° du chargement refusé", "nombre"),
    Column("alerte", "Alerte", "texte", "Code de l'alerte de cohérence."),
    Column("alerte_libelle", "Alerte (libellé)"),
    Column("detail", "Détail"),
    Column("regle", "Point d'attention", "texte", "Code de la règle déclenchée (warehouse/regles.py)."),
    Column("valeur", "Valeur", "decimal", "Le chiffre qui a déclenché la règle, dans l'unité de la règle."),
    Column("seuil", "Seuil", "decimal", "Le seuil de la règle ; vide quand la règle n'en a pas."),
    # suivi_objectifs: the columns of the objectifs template, then the follow-up
    Column("axe", "Axe", "texte", "Axe du plan d'action territorial."),
    Column("action", "Action", "texte", "Action partagée de la fiche action."),
    Column("objectif", "Objectif"),
    Column("indicateur", "Indicateur", "texte", "Nom de la colonne d'indicateurs_territoire pour un indicateur "
           "calculé, libellé tel que saisi pour un indicateur mesuré à la main."),
    Column("cible", "Cible", "decimal", "Valeur visée, dans l'unité de l'indicateur (un taux en fraction)."),
    Column("sens", "Sens", "texte", "AU_MOINS : atteint si le réalisé est supérieur ou égal à la cible ; "
           "AU_PLUS : atteint s'il est inférieur ou égal."),
    Column("realise_saisi", "Réalisé saisi", "decimal", "Valeur saisie pour un indicateur mesuré à la main."),
    Column("pilote", "Pilote"),
    Column("acteurs", "Acteurs"),
    Column("moyens", "Moyens"),
    Column("echeance", "Échéance", "date"),
    Column("realise", "Réalisé", "decimal", "Valeur de l'indicateur pour l'année, le bassin et le type de "
           "l'objectif ; saisie à la main pour un indicateur qui n'est pas calculé par l'Observatoire."),
    Column("source", "Source du réalisé", "texte", "CALCULE : calculé à partir des retours ; SAISI : saisi à la "
           "main dans le plan d'action."),
    Column("ecart", "Écart à la cible", "decimal", "Réalisé − cible."),
    Column("saisi_par", "Saisi par", "texte", "Utilisateur qui a chargé ou enregistré le plan d'action en vigueur."),
    Column("saisi_le", "Saisi le", "date", "Date du chargement du plan d'action en vigueur."),
)}

_PUBLIC = ("salaries_insertion",)
_STAFF = ("personnel_permanent",)
_MONEY = ("finances",)
_SIAE_TERR = (SIAE, TERRITOIRE)
_SUM = "somme sur les SIAE qui ont transmis le retour"
_DENSITE = (DENSITE, DENSITE_COMMUNE)  # the need beside the supply (docs/CONTRACT.md, densite_territoire)
_DEMANDE = ("demande_territoire",)


def _n(x: int) -> str:
    """A constant of contract/constants.py as the definitions print it (1 607)."""
    return f"{x:,}".replace(",", " ")

INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    # --- supply and returns ---
    Indicator("etp_conventionnes", "ETP conventionnés",
              "Postes d'insertion financés par la convention, en équivalents temps plein.",
              "ETP conventionnés inscrits dans la convention de l'année", "etp", ("conventions",),
              (SIAE, TERRITOIRE, OFFRE, *_DENSITE), "somme sur toutes les SIAE conventionnées"),
    Indicator("nb_siae", "Nombre de SIAE", "Nombre de structures conventionnées dans l'année.", "nombre de SIAE "
              "inscrites au registre des conventions de l'année", "nombre", ("conventions",), (TERRITOIRE, OFFRE, *_DENSITE)),
    Indicator("nb_communes", "Nombre de communes", "Nombre de communes où une SIAE conventionnée a son siège.",
              "nombre de communes différentes où siègent les SIAE conventionnées", "nombre", ("conventions",), (OFFRE,)),
    Indicator("retour_structure", "Fiche structure reçue",
              "La fiche structure de l'année a été transmise.", "fiche structure de l'année chargée pour la SIAE",
              "booleen", ("structure",), (SIAE,)),
    Indicator("retour_salaries", "Retour salariés reçu",
              "Le retour des salariés en insertion de l'année a été transmis.",
              "retour des salariés en insertion de l'année chargé pour la SIAE", "booleen", _PUBLIC, (SIAE,)),
    Indicator("retour_personnel", "Retour personnel reçu",
              "Le retour du personnel permanent de l'année a été transmis.",
              "retour du personnel permanent de l'année chargé pour la SIAE", "booleen", _STAFF, (SIAE,)),
    Indicator("retour_finances", "Retour finances reçu", "Les comptes de l'année ont été transmis.",
              "retour finances de l'année chargé pour la SIAE", "booleen", _MONEY, (SIAE,)),
    Indicator("retour_complet", "Retour complet",
              "Les quatre retours de l'année (structure, salariés, personnel, finances) ont été transmis.",
              "fiche structure, retour salariés, retour personnel et retour finances reçus tous les quatre", "booleen",
              ("structure", "salaries_insertion", "personnel_permanent", "finances"), (SIAE,)),
    Indicator("nb_retours_complets", "Retours complets",
              "Nombre de SIAE qui ont transmis leurs quatre retours de l'année.",
              "nombre de SIAE dont les quatre retours de l'année sont reçus", "nombre",
              ("structure", "salaries_insertion", "personnel_permanent", "finances"), (TERRITOIRE,)),
    Indicator("taux_retour", "Taux de retour",
              "Part des SIAE conventionnées qui ont transmis leurs quatre retours de l'année.",
              "retours complets / SIAE conventionnées", "pourcentage",
              ("conventions", "structure", "salaries_insertion", "personnel_permanent", "finances"), (TERRITOIRE,)),
    Indicator("nb_retours_salaries", "Retours salariés reçus",
              "Nombre de SIAE qui ont transmis le retour des salariés en insertion.",
              "nombre de SIAE dont le retour salariés de l'année est reçu", "nombre", _PUBLIC, (TERRITOIRE,)),
    Indicator("nb_retours_finances", "Retours finances reçus",
              "Nombre de SIAE qui ont transmis leurs comptes.",
              "nombre de SIAE dont le retour finances de l'année est reçu", "nombre", _MONEY, (TERRITOIRE,)),

    # --- public ---
    Indicator("nb_salaries", "Salariés en insertion",
              "Nombre de contrats d'insertion présents dans l'année (entrés au plus tard le 31/12, "
              "sortis au plus tôt le 01/01 ou toujours en poste).",
              "nombre de contrats présents dans l'année", "nombre", _PUBLIC, (SIAE, TERRITOIRE, PUBLICS, *_DENSITE), _SUM),
    Indicator("nb_entrees", "Entrées", "Nombre de contrats d'insertion commencés dans l'année.",
              "nombre de contrats dont la date d'entrée est dans l'année", "nombre", _PUBLIC, _SIAE_TERR, _SUM),
    Indicator("nb_sorties", "Sorties", "Nombre de contrats d'insertion terminés dans l'année.",
              "nombre de contrats dont la date de sortie est dans l'année", "nombre", _PUBLIC,
              (SIAE, TERRITOIRE, SORTIES), _SUM),
    Indicator("heures_travaillees", "Heures travaillées",
              "Heures travaillées dans l'année par les salariés en insertion.",
              "somme des heures travaillées des contrats présents", "nombre", _PUBLIC, (SIAE,)),
    Indicator("etp_insertion", "ETP insertion",
              f"Équivalents temps plein réalisés par les salariés en insertion dans l'année "
              f"({_n(HEURES_ANNUELLES_ETP)} heures = 1 ETP, durée légale annuelle du Code du travail).",
              f"heures travaillées / {_n(HEURES_ANNUELLES_ETP)}", "etp", _PUBLIC, (*_SIAE_TERR, *_DENSITE), _SUM),
    Indicator("taux_realisation_etp", "Taux de réalisation des ETP",
              "Part des ETP conventionnés effectivement réalisés ; peut dépasser 100 %.",
              "ETP insertion / ETP conventionnés", "pourcentage", ("salaries_insertion", "conventions"),
              _SIAE_TERR,
              "somme des ETP insertion / somme des ETP conventionnés des SIAE qui ont transmis le retour salariés"),
    Indicator("nb_femmes", "Femmes", "Nombre de femmes parmi les salariés en insertion présents.",
              "nombre de contrats présents dans l'année de salariées (sexe : femme)", "nombre", _PUBLIC, _SIAE_TERR, _SUM),
    Indicator("part_femmes", "Part de femmes", "Part des femmes parmi les salariés en insertion présents.",
              "femmes / salariés en insertion", "pourcentage", _PUBLIC, _SIAE_TERR,
              "somme des femmes / somme des salariés"),
    Indicator("nb_rsa", "Bénéficiaires du RSA",
              "Nombre de salariés en insertion présents qui étaient au RSA à l'entrée.",
              "nombre de contrats présents dont le statut à l'entrée est « bénéficiaire du RSA »", "nombre", _PUBLIC, _SIAE_TERR, _SUM),
    Indicator("part_rsa", "Part de bénéficiaires du RSA",
              "Part des salariés en insertion présents qui étaient au RSA à l'entrée.",
              "bénéficiaires du RSA / salariés en insertion", "pourcentage", _PUBLIC, _SIAE_TERR,
              "somme des bénéficiaires du RSA / somme des salariés"),
    Indicator("nb_moins_26", "Moins de 26 ans",
              f"Nombre de salariés en insertion âgés de moins de {AGE_JEUNES} ans à l'entrée.",
              f"nombre de contrats présents avec année d'entrée − année de naissance < {AGE_JEUNES}", "nombre",
              _PUBLIC, (SIAE,)),
    Indicator("part_moins_26", "Part de moins de 26 ans",
              f"Part des salariés en insertion présents âgés de moins de {AGE_JEUNES} ans à l'entrée.",
              "moins de 26 ans / salariés en insertion", "pourcentage", _PUBLIC, (SIAE,)),
    Indicator("nb_50_plus", "50 ans et plus",
              f"Nombre de salariés en insertion âgés de {AGE_SENIORS} ans ou plus à l'entrée.",
              f"nombre de contrats présents avec année d'entrée − année de naissance ≥ {AGE_SENIORS}", "nombre",
              _PUBLIC, (SIAE,)),
    Indicator("part_50_plus", "Part de 50 ans et plus",
              f"Part des salariés en insertion présents âgés de {AGE_SENIORS} ans ou plus à l'entrée.",
              "50 ans et plus / salariés en insertion", "pourcentage", _PUBLIC, (SIAE,)),
    Indicator("nb_sorties_dynamiques", "Sorties dynamiques",
              "Sorties de l'année vers l'emploi durable, l'emploi de transition ou une sortie positive (formation "
              "qualifiante, autre SIAE).",
              "sorties en emploi durable + sorties en emploi de transition + sorties positives", "nombre", _PUBLIC,
              _SIAE_TERR, _SUM),
    Indicator("nb_sorties_emploi_durable", "Sorties en emploi durable",
              "Sorties de l'année en CDI, CDD de 6 mois ou plus, création d'entreprise ou fonction publique.",
              "sorties de la catégorie « Emploi durable »", "nombre", _PUBLIC, _SIAE_TERR, _SUM),
    Indicator("nb_sorties_neutres", "Sorties neutres",
              "Sorties de l'année pour déménagement, raisons de santé, décès ou retraite, écartées des taux de sortie.",
              "sorties de la catégorie « Sortie neutre »", "nombre", _PUBLIC, _SIAE_TERR, _SUM),
    Indicator("taux_sortie_dynamique", "Taux de sortie dynamique",
              "Part des sorties de l'année qui sont dynamiques, hors sorties neutres.",
              "sorties dynamiques / (sorties − sorties neutres)", "pourcentage", _PUBLIC, _SIAE_TERR,
              "somme des sorties dynamiques / (somme des sorties − somme des sorties neutres)"),
    Indicator("taux_emploi_durable", "Taux de sortie en emploi durable",
              "Part des sorties de l'année en emploi durable, hors sorties neutres.",
              "sorties en emploi durable / (sorties − sorties neutres)", "pourcentage", _PUBLIC, _SIAE_TERR,
              "somme des sorties en emploi durable / (somme des sorties − somme des sorties neutres)"),

    # --- staff ---
    Indicator("nb_permanents", "Permanents", "Nombre de salariés permanents (hors bénévoles) présents dans l'année.",
              "nombre de permanents présents dans l'année, bénévoles exclus", "nombre", _STAFF, (SIAE,)),
    Indicator("nb_benevoles", "Bénévoles", "Nombre de bénévoles présents dans l'année.",
              "nombre de bénévoles présents dans l'année", "nombre", _STAFF, (SIAE,)),
    Indicator("nb_personnes", "Personnes", "Nombre de permanents ou bénévoles présents dans l'année.",
              "nombre de personnes présentes", "nombre", _STAFF, (PERSONNEL,)),
    Indicator("etp_permanents", "ETP permanents",
              "Équivalents temps plein des salariés permanents (hors bénévoles) sur l'année, au prorata des jours "
              f"de présence ; {HEURES_HEBDO_TEMPS_PLEIN} heures par semaine (durée légale) = 1 ETP, au-delà plafonné.",
              f"somme de (min(heures hebdo, {HEURES_HEBDO_TEMPS_PLEIN}) / {HEURES_HEBDO_TEMPS_PLEIN}) × "
              "(jours présents dans l'année / jours de l'année)", "etp",
              _STAFF, (SIAE, TERRITOIRE, PERSONNEL), _SUM),
    Indicator("etp_encadrement", "ETP d'encadrement",
              "ETP permanents des encadrants techniques et accompagnateurs socio-professionnels.",
              "ETP permanents des encadrants techniques + ETP permanents des accompagnateurs socio-professionnels", "etp", _STAFF,
              _SIAE_TERR, _SUM),
    Indicator("taux_encadrement", "Taux d'encadrement",
              "ETP de salariés en insertion par ETP d'encadrement ; plus il est élevé, moins l'encadrement est dense.",
              "ETP insertion / ETP d'encadrement", "decimal", ("salaries_insertion", "personnel_permanent"), (SIAE,)),

    # --- finances ---
    Indicator("chiffre_affaires", "Chiffre d'affaires",
              "Ventes et prestations de l'année, hors financements publics.", "chiffre d'affaires déclaré dans le retour finances",
              "euros", _MONEY, _SIAE_TERR, _SUM),
    Indicator("chiffre_affaires_n1", "Chiffre d'affaires n-1", "Chiffre d'affaires de l'année précédente.",
              "chiffre d'affaires déclaré dans le retour finances de l'année précédente", "euros", _MONEY, (SIAE,)),
    Indicator("chiffre_affaires_n2", "Chiffre d'affaires n-2", "Chiffre d'affaires d'il y a deux ans.",
              "chiffre d'affaires déclaré dans le retour finances d'il y a deux ans", "euros", _MONEY, (SIAE,)),
    Indicator("evolution_ca", "Évolution du chiffre d'affaires",
              "Évolution du chiffre d'affaires par rapport à l'année précédente.",
              "(chiffre d'affaires − chiffre d'affaires de l'année précédente) / chiffre d'affaires de l'année précédente", "pourcentage", _MONEY, (SIAE,)),
    Indicator("financement_public", "Financement public",
              "Total des aides publiques de l'année : État, Département, Région, communes, FSE et autres.",
              "aides État + Département + Région + communes + FSE + autres aides publiques (case vide = 0)",
              "euros", _MONEY, _SIAE_TERR, _SUM),
    Indicator("montant", "Montant", "Montant de l'aide publique de l'année pour ce financeur (case vide = 0).",
              "montant déclaré pour ce financeur dans le retour finances", "euros", _MONEY, (FINANCEMENT,)),
    Indicator("ratio_public_ca", "Financement public / CA",
              "Financement public rapporté au chiffre d'affaires ; peut dépasser 100 %.",
              "financement public / chiffre d'affaires", "pourcentage", _MONEY, _SIAE_TERR,
              "somme des financements publics / somme des chiffres d'affaires, sur les SIAE où les deux sont connus"),
    Indicator("ratio_public_ca_n1", "Financement public / CA n-1", "Le même rapport pour l'année précédente.",
              "financement public / chiffre d'affaires, de l'année précédente", "pourcentage", _MONEY, (SIAE,)),
    Indicator("ratio_public_ca_n2", "Financement public / CA n-2", "Le même rapport pour l'année n-2.",
              "financement public / chiffre d'affaires, d'il y a deux ans", "pourcentage", _MONEY, (SIAE,)),
    Indicator("fonds_propres", "Fonds propres", "Fonds propres en fin d'exercice ; peuvent être négatifs.",
              "fonds propres déclarés dans le retour finances", "euros", _MONEY, (SIAE,)),
    # A fraction despite the "pct" of its public name (docs/CONTRACT.md section 4): 0.25 is 25 %.
    Indicator("fonds_propres_pct_ca", "Fonds propres / CA",
              "Fonds propres rapportés au chiffre d'affaires, affichés en % ; négatifs quand les fonds propres le "
              "sont. Les exports bruts et l'entrepôt le donnent en fraction, comme tous les taux (0,25 = 25 %).",
              "fonds propres / chiffre d'affaires", "pourcentage",
              _MONEY, _SIAE_TERR,
              "somme des fonds propres / somme des chiffres d'affaires, sur les SIAE où les deux sont connus"),
    Indicator("fonds_propres_pct_ca_n1", "Fonds propres / CA n-1", "Le même rapport pour l'année précédente.",
              "fonds propres / chiffre d'affaires, de l'année précédente", "pourcentage", _MONEY, (SIAE,)),
    Indicator("fonds_propres_pct_ca_n2", "Fonds propres / CA n-2", "Le même rapport pour l'année n-2.",
              "fonds propres / chiffre d'affaires, d'il y a deux ans", "pourcentage", _MONEY, (SIAE,)),
    Indicator("cout_public_par_etp", "Coût public par ETP",
              "Financement public de l'année par ETP d'insertion réalisé.",
              "financement public / ETP insertion", "euros", ("finances", "salaries_insertion"), (SIAE,)),
)}

# --- the need beside the supply (docs/CONTRACT.md, densite_territoire) ---
VIEWS[DENSITE] = View(
    DENSITE, "Offre et besoin par bassin",
    "Les demandeurs d'emploi, foyers au RSA et la population de 15 à 64 ans (statistiques publiques) à côté des "
    "SIAE conventionnées, de leurs ETP et de leurs salariés, par bassin et pour le département (« TOUS »).",
    "une ligne par année et par bassin (annee, bassin), le département compris")
VIEWS[DENSITE_COMMUNE] = View(
    DENSITE_COMMUNE, "Offre et besoin par commune",
    "Les mêmes chiffres par commune ; une SIAE compte dans la commune de son siège.",
    "une ligne par année et par commune du référentiel (annee, commune_insee)")
for _i in (
    Indicator("demandeurs_emploi", "Demandeurs d'emploi (A, B, C)",
              "Demandeurs d'emploi inscrits à France Travail en catégories A, B et C au 31 décembre.",
              "somme des demandeurs d'emploi A, B, C des communes", "nombre", _DEMANDE, _DENSITE,
              "somme sur les communes qui ont le chiffre"),
    Indicator("demandeurs_longue_duree", "Demandeurs de longue durée",
              "Demandeurs d'emploi A, B, C inscrits depuis 12 mois ou plus.",
              "somme des demandeurs de longue durée des communes", "nombre", _DEMANDE, _DENSITE,
              "somme sur les communes qui ont le chiffre"),
    Indicator("beneficiaires_rsa", "Foyers au RSA", "Foyers allocataires du RSA au 31 décembre (CAF).",
              "somme des foyers au RSA des communes", "nombre", _DEMANDE, _DENSITE,
              "somme sur les communes qui ont le chiffre"),
    Indicator("population_15_64", "Population 15-64 ans", "Population âgée de 15 à 64 ans (INSEE).",
              "somme des populations de 15 à 64 ans des communes", "nombre", _DEMANDE, _DENSITE,
              "somme sur les communes qui ont le chiffre"),
    Indicator("nb_salaries_rsa", "Salariés au RSA à l'entrée",
              "Salariés en insertion présents dans l'année qui étaient au RSA à l'entrée, comptés dans le bassin "
              "(ou la commune) de leur SIAE.", "nombre de contrats présents dont le salarié était au RSA à l'entrée",
              "nombre", _PUBLIC, _DENSITE, _SUM),
    Indicator("etp_conventionnes_pour_1000_de", "ETP conventionnés pour 1 000 demandeurs",
              "Postes d'insertion financés (ETP) pour 1 000 demandeurs d'emploi A, B, C du territoire.",
              "1 000 × ETP conventionnés / demandeurs d'emploi", "decimal", ("conventions", *_DEMANDE), _DENSITE,
              "rapport des sommes"),
    Indicator("salaries_pour_1000_de", "Salariés en insertion pour 1 000 demandeurs",
              "Salariés en insertion présents dans l'année pour 1 000 demandeurs d'emploi A, B, C.",
              "1 000 × salariés en insertion / demandeurs d'emploi", "decimal", (*_PUBLIC, *_DEMANDE), _DENSITE,
              "rapport des sommes"),
    Indicator("salaries_rsa_pour_1000_rsa", "Salariés au RSA pour 1 000 foyers au RSA",
              "Salariés en insertion entrés au RSA pour 1 000 foyers allocataires du RSA du territoire.",
              "1 000 × salariés au RSA à l'entrée / foyers au RSA", "decimal", (*_PUBLIC, *_DEMANDE), _DENSITE,
              "rapport des sommes"),
):
    INDICATORS[_i.name] = _i

COLUMNS: dict[str, Column | Indicator] = {**IDENTITY, **INDICATORS}


def label(col: str) -> str:
    """French header of a column; the name itself when the catalogue does not know it."""
    entry = COLUMNS.get(col)
    return entry.label if entry else col


def fmt(col: str) -> str:
    """Unit of a column, one of UNITS; "texte" when unknown."""
    entry = COLUMNS.get(col)
    return entry.unit if entry else "texte"


def indicators_of(view: str) -> list[str]:
    """The indicators a view carries, in catalogue order (the action plan's computed indicators)."""
    return [i.name for i in INDICATORS.values() if view in i.views]
