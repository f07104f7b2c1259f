"""The committee pack (« dossier de comité ») of one basin or of the department, for one year:
what is read for it, the workbook, the files, and the `python -m warehouse pack` command.

Every figure is read through warehouse.queries* with the reader's scope, so a committee
member's pack holds nothing its screens would not show (statistical secrecy included: a
hidden cell is NULL with its `_secret_<col>` reason, written « s » in the workbook and
« secret » in the PDF). "What changed since" compares the warehouse version in force on the
date of the last committee with the current one (warehouse.changements).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from ui import attention, export, labels
from ui.format import dates_fr, fmt_valeur
from warehouse import changements, conservation, queries, queries_attention, queries_territoires
from warehouse.db import Version, current_file
from warehouse.scope import Filters, Scope

TOUS = "TOUS"  # the department, in `--bassin` and in file names
SECRET = "secret"  # a figure statistical secrecy hides, as the screens print it
ANNEES_TENDANCE = 5  # years of the trend charts

STRUCTURES = ["raison_sociale", "siret", "type_siae", "nom_commune", "bassin", "retour_complet", "etp_conventionnes",
              "nb_salaries", "etp_insertion", "taux_realisation_etp", "nb_sorties", "taux_sortie_dynamique",
              "taux_emploi_durable", "etp_permanents", "taux_encadrement", "chiffre_affaires", "ratio_public_ca",
              "fonds_propres_pct_ca", "cout_public_par_etp"]
TERRITOIRE = ["annee", "bassin", "type_siae", "nb_siae", "nb_retours_complets", "taux_retour", "nb_salaries",
              "nb_entrees", "nb_sorties", "etp_conventionnes", "etp_insertion", "taux_realisation_etp",
              "taux_sortie_dynamique", "taux_emploi_durable", "part_femmes", "part_rsa", "etp_permanents",
              "chiffre_affaires", "financement_public", "ratio_public_ca", "fonds_propres_pct_ca"]


def nom_fichier(bassin: str, annee: int, ext: str) -> str:
    return f"comite_{bassin}_{annee}.{ext}"


def libelle_territoire(bassin: str) -> str:
    return "Département (tous les bassins)" if bassin == TOUS else f"Bassin {labels.bassin(bassin)}"


def libelle_version(v: Version | Path | None) -> str:
    """"version 12 du 03/02/2026 à 14:05", as the app's sidebar says it."""
    if v is None:
        return "aucune version (l'entrepôt n'existait pas encore)"
    path = v.path if isinstance(v, Version) else v
    stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%d/%m/%Y à %H:%M")
    return f"version {int(path.stem.lstrip('v'))} du {stamp}"


def _objectifs(con, f: Filters, scope: Scope) -> pl.DataFrame | None:
    """The action plan's follow-up, where this warehouse has it (the plan is built in parallel:
    its view and its query module may both be missing)."""
    try:
        from warehouse import queries_plan
    except ImportError:
        return None
    there = con.sql("select count(*) from duckdb_tables() where table_name = 'suivi_objectifs'").fetchall()[0][0] \
        + con.sql("select count(*) from duckdb_views() where view_name = 'suivi_objectifs'").fetchall()[0][0]
    return queries_plan.objectifs(con, f, scope) if there else None


def _communes(con, f: Filters, scope: Scope) -> pl.DataFrame | None:
    """What the « Territoires » page draws its map from, read as the page reads it: None when
    no demand figures are loaded for the year (the page then shows no map either)."""
    if f.annee not in queries_territoires.annees_demande(con, f, scope)["annee"].to_list():
        return None
    return queries_territoires.densite_communes(con, f, scope)


@dataclass(frozen=True)
class Dossier:
    """Everything the pack shows, read with one scope."""

    bassin: str
    annee: int
    scope: Scope
    version: str
    depuis: date | None
    version_depuis: str
    territoire: pl.DataFrame  # the basin (or department), every type, years n-4..n
    departement: pl.DataFrame  # the department, years n-4..n
    bassins: pl.DataFrame  # every basin side by side, year n
    structures: pl.DataFrame
    publics: pl.DataFrame
    sorties: pl.DataFrame
    personnel: pl.DataFrame
    financement: pl.DataFrame
    points: pl.DataFrame
    objectifs: pl.DataFrame | None
    retours: pl.DataFrame | None  # what changed since `depuis` (None: no date given)
    indicateurs: pl.DataFrame | None
    communes: pl.DataFrame | None = None  # the map's rows (None: no demand figures for the year, no map)

    @property
    def filtres(self) -> Filters:
        return filtres(self.bassin, self.annee)

    def ligne(self, df: pl.DataFrame, annee: int) -> dict | None:
        rows = df.filter(pl.col("annee") == annee)
        return rows.row(0, named=True) if rows.height == 1 else None


def filtres(bassin: str, annee: int) -> Filters:
    return Filters(annee=annee, bassins=() if bassin == TOUS else (bassin,))


def lire(con, link: Path, bassin: str, annee: int, scope: Scope, depuis: date | None = None) -> Dossier:
    """Read the pack of `bassin` (TOUS: the department) for `annee` on the current version
    `con` of the warehouse at `link`, as `scope` may see it."""
    f = filtres(bassin, annee)
    dep = Filters(annee=annee)
    retours = indicateurs = None
    version_depuis = ""
    if depuis is not None:
        v = changements.version_au(link, depuis)
        old = duckdb.connect(str(v.path), read_only=True) if v is not None else None
        try:
            retours = changements.retours(old, con, f, scope)
            indicateurs = changements.indicateurs(old, con, f, scope)
        finally:
            if old is not None:
                old.close()
        version_depuis = libelle_version(v)
        conservation.pin(link, v, f"comparée par un dossier de comité {bassin} {annee} (depuis le {depuis:%d/%m/%Y})")
    # A pack must be possible to make again as it was: its versions are kept by `prune`.
    conservation.pin(link, current_file(link), f"dossier de comité {bassin} {annee} tiré le {date.today():%d/%m/%Y}")
    return Dossier(
        bassin=bassin, annee=annee, scope=scope, version=libelle_version(current_file(link)),
        depuis=depuis, version_depuis=version_depuis,
        territoire=queries.territoire(con, f, scope, depuis=annee - ANNEES_TENDANCE + 1),
        departement=queries.territoire(con, dep, scope, depuis=annee - ANNEES_TENDANCE + 1),
        bassins=queries.territoire(con, dep, scope, par_bassin=True),
        structures=queries.siae(con, f, scope),
        publics=queries.publics(con, f, scope),
        sorties=queries.sorties(con, f, scope),
        personnel=queries.personnel(con, f, scope, par="fonction"),
        financement=queries.financement(con, f, scope),
        points=queries_attention.points_attention(con, f, scope),
        objectifs=_objectifs(con, f, scope),
        retours=retours, indicateurs=indicateurs,
        communes=_communes(con, f, scope),
    )


def _table(df: pl.DataFrame, cols, nom: str, titre: str, **kw) -> export.Table:
    return export.Table(df=df, colonnes=tuple(cols), nom=nom, titre=titre, **kw)


def tables(d: Dossier) -> list[tuple[str, export.Table]]:
    """The workbook's sheets: (sheet name, table), in the order of the PDF."""
    cles = pl.concat([d.territoire.filter(pl.col("annee") >= d.annee - 1),
                      d.departement.filter(pl.col("annee") >= d.annee - 1)], how="diagonal_relaxed") \
        if d.bassin != TOUS else d.departement.filter(pl.col("annee") >= d.annee - 1)
    out = [
        ("Chiffres clés", _table(cles.sort("annee", "bassin", descending=[True, False]), TERRITOIRE,
                                 "chiffres_cles", f"Chiffres clés {d.annee - 1} et {d.annee}, bassin et département")),
        ("Bassins", _table(d.bassins, TERRITOIRE, "bassins", f"Indicateurs par bassin {d.annee}")),
        ("Structures", _table(d.structures, STRUCTURES, "structures", f"Structures et leurs indicateurs {d.annee}")),
        ("Publics", _table(d.publics, ["dimension_libelle", "libelle", "nb_salaries"], "publics",
                           f"Profil des salariés en insertion {d.annee}",
                           titres=(("dimension_libelle", "Caractéristique"), ("libelle", "Modalité")))),
        ("Sorties", _table(d.sorties, ["categorie_libelle", "motif_libelle", "dynamique", "nb_sorties"], "sorties",
                           f"Sorties {d.annee} par catégorie et motif")),
        ("Personnel", _table(d.personnel, ["libelle", "nb_personnes", "etp_permanents"], "personnel",
                             f"Personnel permanent {d.annee} par fonction", titres=(("libelle", "Fonction"),))),
        ("Finances", _table(d.financement, ["annee", "financeur_libelle", "montant", "nb_siae"], "finances",
                            f"Financement public par financeur, {d.annee - 2} à {d.annee}",
                            titres=(("nb_siae", "SIAE ayant transmis leurs comptes"),),
                            unites=(("nb_siae", "nombre"),))),
    ]
    if not d.points.is_empty():
        detail = attention.avec_libelles(d.points)
        out.append(("Points d'attention", _table(
            detail, ["raison_sociale", "siret", "type_siae", "bassin", "regle_libelle", "valeur_texte", "seuil_texte"],
            "points_attention", f"Points d'attention {d.annee}",
            titres=(("regle_libelle", "Règle"), ("valeur_texte", "Valeur"), ("seuil_texte", "Seuil")))))
    if d.objectifs is not None:
        cols = [c for c in ("axe", "action", "objectif", "bassin", "type_siae", "indicateur", "cible", "realise",
                            "ecart", "statut", "secret") if c in d.objectifs.columns]
        out.append(("Suivi des objectifs", _table(d.objectifs, cols, "suivi_objectifs",
                                                  f"Suivi des objectifs du plan d'action {d.annee}",
                                                  unites=tuple((c, "decimal") for c in ("cible", "realise", "ecart")))))
    if d.retours is not None:
        out.append(("Retours depuis", _table(
            dates_fr(d.retours, "recu_le"), ["changement_libelle", "raison_sociale", "siret", "type_siae", "template_libelle", "recu_le"],
            "retours_depuis", f"Retours {d.annee} depuis le {d.depuis:%d/%m/%Y}",
            titres=(("changement_libelle", "Depuis le dernier comité"), ("recu_le", "Reçu le")),
            unites=(("recu_le", "texte"),))))
        out.append(("Indicateurs depuis", _table(
            changes_en_texte(d.indicateurs), ["annee", "libelle", "avant", "apres"], "indicateurs_depuis",
            f"Indicateurs qui ont changé depuis le {d.depuis:%d/%m/%Y}",
            titres=(("libelle", "Indicateur"), ("avant", f"Au {d.depuis:%d/%m/%Y}"), ("apres", "Aujourd'hui")),
            unites=(("libelle", "texte"), ("avant", "texte"), ("apres", "texte")))))
    return out


def valeur_texte(v, secret: str | None, unit: str) -> str:
    """A value as printed: French format, « secret » when statistical secrecy hides it."""
    return SECRET if secret else fmt_valeur(v, unit)


def changes_en_texte(ind: pl.DataFrame) -> pl.DataFrame:
    """The indicators that moved, with their label and both values in French words (one
    column mixes units, so the values are text: « 42 % », « 1 234,5 », « secret »)."""
    rows = [{"annee": r["annee"], "libelle": labels.colonne(r["indicateur"]),
             "avant": valeur_texte(r["avant"], r["secret_avant"], labels.unite(r["indicateur"])),
             "apres": valeur_texte(r["apres"], r["secret_apres"], labels.unite(r["indicateur"]))}
            for r in ind.iter_rows(named=True)]
    return pl.DataFrame(rows, schema={"annee": pl.Int32, "libelle": pl.String, "avant": pl.String,
                                      "apres": pl.String})


def xlsx(d: Dossier) -> bytes:
    f = (("Territoire", libelle_territoire(d.bassin)), ("Année", str(d.annee)),
         ("Dernier comité", f"{d.depuis:%d/%m/%Y} ({d.version_depuis})" if d.depuis else "non précisé"))
    return export.classeur_bytes(tables(d), titre=f"Dossier de comité {d.annee} : {libelle_territoire(d.bassin)}",
                                 filtres=f, version=d.version, diffusion=d.scope.secret_statistique)
