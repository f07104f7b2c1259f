"""The load history as read: each load in words (who, when, what it brought, its outcome) and
what it did to each return (new, replaced, unchanged, refused)."""

from __future__ import annotations

import polars as pl

from loaders.load import REJECTED, STATUS_LABELS
from ui.format import date_fr, dates_fr, pluriel
from ui.labels import modeles


STATUT_FICHIER = dict(STATUS_LABELS)  # loaded / unchanged / rejected, as the command line says them


ACTIONS = {"new": "nouveau", "replaced": "remplacé", "unchanged": "inchangé", "rejected": "refusé"}


def libelle_chargement(df: pl.DataFrame, load_id: int, date_col: str = "loaded_at",
                       fichier_col: str = "fichier") -> str:
    """"n° 7 · finances_b.csv · 27/11/2026 10:03", to pick a load in a list."""
    row = df.filter(pl.col("load_id") == load_id).row(0, named=True)
    return f"n° {load_id} · {row[fichier_col]} · {date_fr(row[date_col])}"


CHARGEMENT_COLONNES = {
    "load_id": ("N°", "nombre"), "file_name": ("Fichier", "texte"), "loaded_at": ("Le", "texte"),
    "user_name": ("Par", "texte"), "resultat": ("Résultat", "texte"), "row_count": ("Lignes", "nombre"),
    "nb_erreurs": ("Erreurs", "nombre"), "nb_avertissements": ("Avertissements", "nombre"),
    "empreinte": ("Empreinte", "texte"), "modeles": ("Modèles", "texte"), "message": ("Détail", "texte"),
    "checksum": ("Empreinte SHA-256 complète", "texte"),
}


# On screen at 1366 px; the export has every column.
CHARGEMENT_MONTRE = ["file_name", "load_id", "loaded_at", "user_name", "resultat", "row_count", "nb_erreurs",
                     "nb_avertissements", "empreinte"]


def chargements_affichage(df: pl.DataFrame) -> pl.DataFrame:
    """stg_load_log rows as read: French outcome, template names, short checksum, French dates."""
    return dates_fr(df.with_columns(
        pl.col("status").replace_strict(STATUT_FICHIER, default=pl.col("status")).alias("resultat"),
        pl.Series("modeles", [None if t is None else modeles(t) for t in df["templates"].to_list()], dtype=pl.String),
        pl.col("checksum").str.slice(0, 12).alias("empreinte"),
    ), "loaded_at")


def resume_chargement(row: dict) -> str:
    """One load in a sentence: who, when, how many rows, and its outcome."""
    texte = (f"« {row['file_name']} », soumis le {date_fr(row['loaded_at'])} par {row['user_name'] or 'inconnu'} : "
             f"{STATUT_FICHIER.get(row['status'], row['status'])}")
    if row["status"] != REJECTED:
        texte += f" ({modeles(row['templates'] or '')}, {pluriel(row['row_count'] or 0, 'ligne')})"
    if row["message"]:
        texte += f" — {row['message']}"
    if row["checksum"]:
        texte += f". Empreinte SHA-256 : {row['checksum'][:12]}…"
    return texte if texte.endswith("…") else texte + "."


EFFET_COLONNES = {
    "annee": ("Année", "annee"), "raison_sociale": ("Raison sociale", "texte"), "siret": ("SIRET", "texte"),
    "template_libelle": ("Retour", "texte"), "effet": ("Effet", "texte"),
    "previous_load_id": ("Remplace le chargement n°", "nombre"),
}


def evenements_affichage(df: pl.DataFrame) -> pl.DataFrame:
    remplace = pl.format("remplace un retour de {} lignes", pl.col("previous_row_count"))
    return df.with_columns(
        pl.when((pl.col("action") == "replaced") & pl.col("previous_row_count").is_not_null()).then(remplace)
        .otherwise(pl.col("action").replace_strict(ACTIONS, default=pl.col("action"))).alias("effet")
        if "previous_row_count" in df.columns else
        pl.col("action").replace_strict(ACTIONS, default=pl.col("action")).alias("effet"),
        pl.col("raison_sociale").fill_null("hors registre des conventions"),
    )
