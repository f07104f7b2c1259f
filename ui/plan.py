"""The parts of the « Plan d'action » page: objectives in words, each figure in its indicator's
unit, and the plan editor of the State office (checked and stored by the loader itself)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from contract import CODE_LISTS, DERIVED_LISTS, TEMPLATES
from loaders import saisie_plan
from loaders.objectifs import INDICATEURS
from ui import acces, labels
from ui.format import VIDE, date_fr, fmt_evolution, fmt_valeur
from warehouse.db import db_path
from warehouse.queries_plan import ALL, SECRET

STATUTS = {"ATTEINT": "✅ atteint", "NON_ATTEINT": "❌ non atteint", "NON_MESURE": "⏳ non mesuré",
           SECRET: "🔒 secret"}
assert set(STATUTS) - {SECRET} == set(DERIVED_LISTS["STATUT_OBJECTIF"])

# Columns of the objectives table shown and exported, with their headers.
# The figures come right after the action, so the status shows without scrolling at 1366 pixels.
COLONNES = {
    "action": "Action", "territoire": "Territoire", "indicateur_libelle": "Indicateur", "cible_texte": "Cible",
    "realise_texte": "Réalisé", "ecart_texte": "Écart", "statut_texte": "Statut", "objectif": "Objectif",
    "mesure": "Mesure", "pilote": "Pilote",
}


def unite(indicateur: str, valeurs: list) -> str:
    """The indicator's unit (rates as %); a hand-measured one is a count when its figures are whole."""
    if indicateur in INDICATEURS:
        return labels.unite(indicateur)
    whole = all(float(v).is_integer() for v in valeurs if v is not None)
    return "nombre" if whole else "decimal"


def libelle_indicateur(indicateur: str) -> str:
    return INDICATEURS.get(indicateur, indicateur)


def _lieu(bassin: str) -> str:
    """An objective's place: a basin, or the department (`TOUS`)."""
    return "Département" if bassin == ALL else labels.bassin(bassin)


def territoire(bassin: str, type_siae: str) -> str:
    """"Sud · EI", "Département · tous types"."""
    return f"{_lieu(bassin)} · {labels.type_siae(type_siae).lower() if type_siae == ALL else type_siae}"


def _mesure(r: dict) -> str:
    if r["source"] == "CALCULE":
        return "calculé à partir des retours"
    if r["realise"] is None:
        return "saisi à la main : pas encore saisi"
    qui = r.get("saisi_par") or "inconnu"
    return f"saisi par {qui}" + (f" le {date_fr(r['saisi_le'])}" if r.get("saisi_le") else "")


def lignes(plan: pl.DataFrame) -> pl.DataFrame:
    """The objectives with their figures as French text in their indicator's unit."""
    out = []
    for r in plan.iter_rows(named=True):
        u = unite(r["indicateur"], [r["cible"], r["realise"]])
        secret = r.get("secret")
        out.append({
            "territoire": territoire(r["bassin"], r["type_siae"]),
            "indicateur_libelle": libelle_indicateur(r["indicateur"]),
            "cible_texte": ("≥ " if r["sens"] == "AU_MOINS" else "≤ ") + fmt_valeur(r["cible"], u),
            "realise_texte": "secret" if secret else fmt_valeur(r["realise"], u),
            "ecart_texte": fmt_evolution(r["realise"], r["cible"], u) or VIDE,
            "statut_texte": STATUTS.get(r["statut"], r["statut"]),
            "mesure": (secret.replace("secret statistique : ", "secret statistique, ") if secret else _mesure(r)),
        })
    schema = {c: pl.String for c in ("territoire", "indicateur_libelle", "cible_texte", "realise_texte",
                                     "ecart_texte", "statut_texte", "mesure")}
    return pl.concat([plan, pl.DataFrame(out, schema=schema)], how="horizontal")


EXPORT = ("axe", *COLONNES)  # the export is the whole plan: one table, its axis in a column


def export_kw() -> dict:
    """Headers and units of the export's columns (ui.page.table_export): every figure as shown."""
    return {"titres": tuple({"axe": "Axe", **COLONNES}.items()), "unites": tuple((c, "texte") for c in EXPORT)}


def grille(df: pl.DataFrame, *, key: str) -> None:
    """One axis's objectives, grouped by action (no export: the whole plan is exported once)."""
    widths = {"action": 190, "territoire": 150, "indicateur_libelle": 190, "cible_texte": 70, "realise_texte": 70,
              "ecart_texte": 80, "statut_texte": 120, "objectif": 240, "mesure": 240}
    st.dataframe(df.select(list(COLONNES)), hide_index=True, key=key, column_config={
        c: st.column_config.TextColumn(titre, width=widths.get(c)) for c, titre in COLONNES.items()})


def libelle_objectif(r: dict) -> str:
    """An objective in a list: "Accompagnement vers l'emploi — Taux de sortie dynamique — Nord · tous types"."""
    return f"{r['action']} — {libelle_indicateur(r['indicateur'])} — {territoire(r['bassin'], r['type_siae'])}"


# ---------- the plan editor ----------

def peut_modifier() -> bool:
    """Who may load returns may change the plan (admin, agent); the other roles read it."""
    user = acces.utilisateur_courant()
    return user is not None and user.peut_importer


def _config(bassins: list[str]) -> dict:
    t = TEMPLATES["objectifs"]
    cfg = {}
    for c in t.columns:
        if c.name == "annee":
            continue
        kw = {"help": c.help or None, "required": c.required}
        if c.name == "bassin":
            cfg[c.name] = st.column_config.SelectboxColumn(c.label, options=[ALL, *bassins],
                                                           format_func=_lieu, **kw)
        elif c.name == "type_siae":
            cfg[c.name] = st.column_config.SelectboxColumn(c.label, options=[ALL, *CODE_LISTS["TYPE_SIAE"]],
                                                           format_func=labels.type_siae, **kw)
        elif c.name == "sens":
            cfg[c.name] = st.column_config.SelectboxColumn(c.label, options=list(CODE_LISTS["SENS"]),
                                                           format_func=CODE_LISTS["SENS"].get, **kw)
        elif c.type == "dec":
            cfg[c.name] = st.column_config.NumberColumn(c.label, format="localized", **kw)
        elif c.type == "date":
            cfg[c.name] = st.column_config.DateColumn(c.label, format="DD/MM/YYYY", **kw)
        else:
            cfg[c.name] = st.column_config.TextColumn(c.label, **kw)
    return cfg


def editeur(annee: int, plan: pl.DataFrame, bassins: list[str]) -> None:
    """The plan of `annee` in an editable table; « Enregistrer » checks it with the loader and
    stores it as one load (new version, load history, audit log) only when it is valid whole."""
    cle = f"plan_editeur_{annee}"
    shown = plan.drop("annee").with_columns(
        pl.col("indicateur").replace_strict(INDICATEURS, default=pl.col("indicateur"), return_dtype=pl.String))
    st.caption("Une ligne par objectif. Indicateur : le libellé d'un indicateur de l'Observatoire (par exemple "
               "« Taux de sortie dynamique ») ou celui d'un indicateur mesuré à la main, dont vous saisissez alors le "
               "réalisé. Cible d'un taux en fraction : 0,6 pour 60 %. Rien n'est enregistré tant que tout le plan "
               "n'est pas valide ; l'enregistrement remplace le plan de l'année et garde le précédent dans "
               "l'historique des chargements.")
    edited = st.data_editor(shown.to_pandas(), num_rows="dynamic", hide_index=True, key=cle,
                            column_config=_config(bassins), width="stretch")
    # The click is kept by its callback: ui.page may rerun the page before it reaches this line.
    st.button(f"Vérifier et enregistrer le plan {annee}", type="primary", key=f"{cle}_enregistrer",
              on_click=lambda: st.session_state.update({f"{cle}_demande": True}))
    if not st.session_state.pop(f"{cle}_demande", False):
        return
    frame = pl.from_pandas(edited)
    result = saisie_plan.verifier(frame, annee)
    if result.errors:
        st.error(f"Le plan n'est pas enregistré : {len(result.errors)} problème(s) à corriger dans le tableau "
                 "(ligne 1 = première ligne du tableau).", icon="⛔")
        st.dataframe(problemes(result.problems), hide_index=True, key=f"{cle}_problemes")
        return
    result = saisie_plan.enregistrer(frame, annee, acces.nom_utilisateur(), db_path())
    st.session_state[f"{cle}_bilan"] = result
    st.rerun()


def bilan(annee: int) -> None:
    """What the last save of the plan did, after the rerun that shows the new version."""
    result = st.session_state.pop(f"plan_editeur_{annee}_bilan", None)
    if result is None:
        return
    if result.status == "unchanged":
        st.info(f"Le plan {annee} est identique au plan en vigueur : rien n'a changé.")
    else:
        st.success(f"Plan {annee} enregistré : nouvelle version de l'entrepôt (le plan précédent reste dans "
                   "l'historique des chargements).", icon="✅")
    if result.warnings:
        st.warning("\n".join(f"- {p.line()}" for p in result.warnings))


def problemes(problems) -> pl.DataFrame:
    """The loader's report on the edited plan, rows numbered as in the table (header excluded)."""
    return pl.DataFrame({
        "Ligne du tableau": [p.ligne - 1 if p.ligne and p.ligne > 1 else None for p in problems],
        "Colonne": [p.colonne for p in problems],
        "Valeur": [p.valeur or "" for p in problems],
        "Règle": [p.regle for p in problems],
        "Niveau": [p.niveau for p in problems],
    }, schema={"Ligne du tableau": pl.Int64, "Colonne": pl.String, "Valeur": pl.String, "Règle": pl.String,
               "Niveau": pl.String})
