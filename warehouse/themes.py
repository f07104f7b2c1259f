"""The glossary's themes: the indicators of warehouse/catalogue.py in the groups the glossary
(pages/referentiel.py) shows, in its order. Every indicator is in exactly one
(tests/test_app_pages.py); a new indicator gets its theme here."""

from __future__ import annotations

THEMES: dict[str, tuple[str, ...]] = {
    "Structures et conventions": ("nb_siae", "nb_communes", "etp_conventionnes"),
    "Publics et bénéficiaires": ("nb_salaries", "nb_entrees", "heures_travaillees", "etp_insertion",
                                 "taux_realisation_etp", "nb_femmes", "part_femmes", "nb_rsa", "part_rsa",
                                 "nb_moins_26", "part_moins_26", "nb_50_plus", "part_50_plus"),
    "Sorties": ("nb_sorties", "nb_sorties_dynamiques", "nb_sorties_emploi_durable", "nb_sorties_neutres",
                "taux_sortie_dynamique", "taux_emploi_durable"),
    "Personnel permanent": ("nb_permanents", "nb_benevoles", "nb_personnes", "etp_permanents", "etp_encadrement",
                            "taux_encadrement"),
    "Finances": ("chiffre_affaires", "chiffre_affaires_n1", "chiffre_affaires_n2", "evolution_ca",
                 "financement_public", "montant", "ratio_public_ca", "ratio_public_ca_n1", "ratio_public_ca_n2",
                 "fonds_propres", "fonds_propres_pct_ca", "fonds_propres_pct_ca_n1", "fonds_propres_pct_ca_n2",
                 "cout_public_par_etp"),
    "Retours": ("retour_structure", "retour_salaries", "retour_personnel", "retour_finances", "retour_complet",
                "nb_retours_complets", "taux_retour", "nb_retours_salaries", "nb_retours_finances"),
    "Offre et besoin du territoire": ("demandeurs_emploi", "demandeurs_longue_duree", "beneficiaires_rsa",
                                      "population_15_64", "nb_salaries_rsa", "etp_conventionnes_pour_1000_de",
                                      "salaries_pour_1000_de", "salaries_rsa_pour_1000_rsa"),
}


def theme(name: str) -> str:
    """The glossary theme of an indicator ("" for a name outside THEMES)."""
    return next((t for t, names in THEMES.items() if name in names), "")
