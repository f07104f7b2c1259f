"""The audit journal as shown on « Administration » (warehouse.audit reads it)."""

from __future__ import annotations

import polars as pl


JOURNAL_COLONNES = {
    "quand": ("Quand", "texte"), "evenement": ("Action", "texte"), "utilisateur": ("Par", "texte"),
    "details": ("Détails", "texte"),
}


def journal_affichage(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col("quand").str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False).dt.strftime("%d/%m/%Y %H:%M"))
