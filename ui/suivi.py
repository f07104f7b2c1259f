"""Return tracking on « Qualité des données »: the return matrix (one row per SIAE, one column
per template, its state in words) and the lists of returns to chase."""

from __future__ import annotations

import polars as pl

from ui.format import dates_fr
from ui.labels import MODELES_COURTS, source


CELLULES = {"RECU": "✅ reçu", "REMPLACE": "🔄 reçu, remplacé", "REFUSE": "⛔ refusé", "MANQUANT": "❌ manquant"}


LEGENDE = ("✅ reçu · 🔄 reçu, remplace un envoi précédent (qui reste récupérable) · ⛔ refusé : un fichier a été "
           "envoyé mais contenait des erreurs, aucun retour valable n'est en vigueur · ❌ manquant : rien reçu")


def matrice(suivi: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """suivi_retours rows -> one row per SIAE, one column per template (its state in words).

    Returns the frame and the (template, French title) of its template columns, in order.
    """
    ordre = suivi.select("template", "template_rang").unique().sort("template_rang")["template"].to_list()
    cols = [(t, MODELES_COURTS.get(t, source(t))) for t in ordre]
    if suivi.is_empty():
        return pl.DataFrame(), cols
    etat = (
        pl.when(pl.col("statut") == "RECU").then(
            pl.when(pl.col("nb_remplacements") > 0)
            .then(pl.format("{} {} fois", pl.lit(CELLULES["REMPLACE"]), pl.col("nb_remplacements")))
            .otherwise(pl.lit(CELLULES["RECU"])))
        .when(pl.col("statut") == "REFUSE").then(pl.lit(CELLULES["REFUSE"]))
        .otherwise(pl.lit(CELLULES["MANQUANT"]))
    )
    long = suivi.with_columns(etat.alias("etat"))
    wide = long.pivot(on="template", index=["siret", "raison_sociale", "type_siae", "bassin"], values="etat",
                      aggregate_function="first")
    recus = long.group_by("siret").agg((pl.col("statut") == "RECU").sum().alias("nb_recus"))
    wide = wide.join(recus, on="siret", how="left")
    return wide.sort(["nb_recus", "raison_sociale", "siret"]), cols


def relance_affichage(df: pl.DataFrame) -> pl.DataFrame:
    """The lists of missing and refused returns in short words: "Salariés, Finances"."""
    def mots(col: str) -> pl.Expr:
        return pl.col(col).list.eval(pl.element().replace_strict(MODELES_COURTS, default=pl.element())) \
            .list.join(", ").alias(col)
    return dates_fr(df.with_columns(mots("retours_manquants"), mots("retours_refuses")), "dernier_refus_le")
