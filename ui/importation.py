"""The import pipeline of « Importer des retours »: check each uploaded file with the loader
(nothing stored), load the accepted ones into a new warehouse version, then say what happened.

The pipeline takes a list of (file name, bytes): the page feeds it from st.file_uploader,
tests may feed it directly. It uses the loader of the command line (loaders.load.check_file
and load_files), never a copy of its rules.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Collection

import polars as pl
import streamlit as st

from contract import COMMUNES_REUNION
from loaders.load import (HELD, LOADED, REJECTED, UNCHANGED, FileResult, check_file, holds_communes, load_files,
                          replacement_summary)
from loaders.report import Problem
from ui import acces, data
from ui.chargements import STATUT_FICHIER
from ui.format import NNBSP, date_fr, pluriel, taille
from ui.grilles import config_colonnes, hauteur
from ui.labels import modeles
from ui.rapports import grille_rapport, md
from warehouse.db import db_path

# How the page tells the user to confirm (the command line says "relancez avec --confirmer").
COMMENT_CONFIRMER = "cochez « Je confirme » sous le fichier sur la page « Importer des retours », puis chargez-le"


@dataclass
class Verification:
    """One uploaded file, checked by the loader (nothing stored)."""

    name: str
    size: int
    sha: str
    result: FileResult
    data: bytes = field(repr=False, default=b"")
    trop_gros: bool = False  # over the upload limit: refused without being read
    incident: bool = False  # the check itself failed: worth trying again, not worth remembering

    @property
    def accepte(self) -> bool:
        return self.result.status != REJECTED

    @property
    def consignable(self) -> bool:
        """A refused file the loader read, whose refusal can be kept in the load history."""
        return not self.accepte and not self.trop_gros


def limite_mo() -> int:
    """The upload limit (server.maxUploadSize in .streamlit/config.toml), in megabytes."""
    return int(st.get_option("server.maxUploadSize"))


def communes_connues() -> set[str]:
    """Communes known to the warehouse; the default reference when there is none yet."""
    if data.version() is None:
        return {c[0] for c in COMMUNES_REUNION}
    return set(data.lire("communes")["commune_insee"].to_list())


def _nom_sur(name: str) -> str:
    """A user's file name, safe as a file name in a temporary folder (never a path)."""
    base = Path(name.replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else "fichier"


def _ecrire(folder: Path, i: int, name: str, content: bytes) -> Path:
    """Write an upload under its own name (one sub-folder each: two uploads may share a name)."""
    target = folder / f"{i:03d}" / _nom_sur(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def verifier(fichiers: list[tuple[str, bytes]], communes: set[str] | None = None,
             deja: dict | None = None) -> list[Verification]:
    """Check each file with the loader, storing nothing. Files bringing communes come first
    (as in load_files), so a register naming a new commune checks against it.

    `deja` maps (name, sha) to an earlier Verification, to skip files already checked.
    """
    communes = set(communes_connues() if communes is None else communes)
    limite = limite_mo() * 2**20
    ordre = sorted(range(len(fichiers)), key=lambda i: not holds_communes(Path(_nom_sur(fichiers[i][0]))))
    out: dict[int, Verification] = {}
    folder = Path(tempfile.mkdtemp(prefix="iae_verif_"))
    try:
        for i in ordre:
            name, content = fichiers[i]
            sha = hashlib.sha256(content).hexdigest()
            if deja and (name, sha) in deja:
                out[i] = deja[(name, sha)]
                continue
            result = FileResult(Path(_nom_sur(name)), name)
            trop_gros, incident = len(content) > limite, False
            if trop_gros:
                result.problems.append(Problem(
                    name, None, None, None, None,
                    f"fichier trop volumineux ({taille(len(content))}) : la limite est de {limite_mo()}{NNBSP}Mo par "
                    "fichier. Envoyez les modèles dans des fichiers séparés."))
            else:
                try:
                    result, _ = check_file(_ecrire(folder, i, name, content), communes, name)
                except Exception as exc:  # a loader bug must read as a sentence, not a traceback
                    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    result.problems.append(Problem(name, None, None, None, None,
                                                   f"vérification impossible : {detail}"))
                    result.status = REJECTED
                    incident = True
            out[i] = Verification(name, len(content), sha, result, content, trop_gros, incident)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [out[i] for i in range(len(fichiers))]


def charger(verifs: list[Verification], user: str | None = None,
            progress: Callable[[int, int, FileResult], None] | None = None,
            avec_refus: bool = False, confirmer: Collection[str] = ()) -> list[FileResult]:
    """Load the accepted files, only those, into a new warehouse version (load_files).

    `avec_refus`: pass the refused files too, so the load history keeps their report and
    suivi_retours marks their returns "refusé" (the loader rejects them again, storing nothing).
    `confirmer`: names of the files whose replacement by fewer than half the rows the user
    confirmed (ui.remplacements); the loader holds the others back.
    """
    if not acces.peut_importer():
        raise PermissionError("Votre profil ne permet pas de charger des retours.")
    acceptes = [v for v in verifs if v.accepte or (avec_refus and v.consignable)]
    if not acceptes:
        return []
    folder = Path(tempfile.mkdtemp(prefix="iae_import_"))
    try:
        names = {}
        for i, v in enumerate(acceptes):
            names[_ecrire(folder, i, v.name, v.data)] = v.name
        return load_files(list(names), db_path(), user=user or acces.nom_utilisateur(), progress=progress,
                          names=names, confirmer=set(confirmer), how_to_confirm=COMMENT_CONFIRMER)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def afficher_verification(v: Verification, *, key: str) -> None:
    """One checked file: accepted with what it brings, or refused with its report."""
    r = v.result
    with st.container(border=True):
        if v.accepte:
            st.markdown(f"✅ **{md(v.name)}** ({taille(v.size)}) — accepté : {modeles(r.templates)} · "
                        f"{pluriel(r.rows, 'ligne')}"
                        + (f" · {pluriel(len(r.warnings), 'avertissement')}" if r.warnings else ""))
            if r.warnings:
                st.caption("Les avertissements n'empêchent pas le chargement ; vérifiez-les quand même.")
                grille_rapport(r.warnings, key=key, nom=nom_rapport(v.name),
                               hauteur=hauteur(len(r.warnings), 320), sans_fichier=True)
        else:
            st.markdown(f"❌ **{md(v.name)}** ({taille(v.size)}) — refusé : {pluriel(len(r.errors), 'problème')} "
                        "à corriger. Le fichier ne sera pas chargé.")
            grille_rapport(r.problems, key=key, nom=nom_rapport(v.name),
                           hauteur=hauteur(len(r.problems), 320), sans_fichier=True)


def nom_rapport(name: str) -> str:
    """`finances FAUX.csv` -> `rapport_finances FAUX.csv`, never `….csv.csv`."""
    return f"rapport_{Path(_nom_sur(name)).stem or 'fichier'}.csv"


def _remplacement(r: FileResult) -> str:
    """What a file replaced (or would have, when held): `remplace un retour de 205 lignes (…) par 82 lignes`."""
    return replacement_summary(r.replacements, held=r.status == HELD) if r.replacements else ""


def bilan(results: list[FileResult]) -> dict:
    """What a load did, kept in the session to show after the page reruns on the new version."""
    return {
        "quand": datetime.now(),
        "version": data.libelle_version(),
        "fichiers": pl.DataFrame(
            [{"fichier": r.name, "resultat": STATUT_FICHIER[r.status], "modeles": modeles(r.templates),
              "lignes": r.rows, "nouveaux": r.new, "remplaces": r.replaced, "inchanges": r.unchanged,
              "erreurs": len(r.errors), "avertissements": len(r.warnings), "remplacement": _remplacement(r)}
             for r in results],
            schema={"fichier": pl.String, "resultat": pl.String, "modeles": pl.String, "lignes": pl.Int64,
                    "nouveaux": pl.Int64, "remplaces": pl.Int64, "inchanges": pl.Int64, "erreurs": pl.Int64,
                    "avertissements": pl.Int64, "remplacement": pl.String}),
        "retenus": sum(r.status == HELD for r in results),
        "charges": sum(r.status == LOADED for r in results),
        "inchanges": sum(r.status == UNCHANGED for r in results),
        "refuses": sum(r.status == REJECTED for r in results),
        "problemes": [p for r in results if r.status == REJECTED for p in r.problems],
    }


BILAN_COLONNES = {
    "fichier": ("Fichier", "texte"), "resultat": ("Résultat", "texte"), "modeles": ("Modèles", "texte"),
    "lignes": ("Lignes", "nombre"), "nouveaux": ("Nouveaux", "nombre"), "remplaces": ("Remplacés", "nombre"),
    "inchanges": ("Inchangés", "nombre"), "erreurs": ("Erreurs", "nombre"),
    "avertissements": ("Avertissements", "nombre"), "remplacement": ("Remplacement", "texte"),
}


def afficher_bilan(b: dict) -> None:
    """The outcome of the last load, at the top of the import page."""
    faits = []
    if b["charges"]:
        faits.append(pluriel(b["charges"], "fichier chargé", "fichiers chargés"))
    if b["inchanges"]:
        faits.append(pluriel(b["inchanges"], "fichier déjà chargé à l'identique",
                             "fichiers déjà chargés à l'identique"))
    if b["refuses"]:
        faits.append(pluriel(b["refuses"], "fichier refusé", "fichiers refusés"))
    if b.get("retenus"):
        faits.append(pluriel(b["retenus"], "fichier retenu faute de confirmation",
                             "fichiers retenus faute de confirmation"))
    texte = f"Chargement du {date_fr(b['quand'])} : {', '.join(faits) or 'aucun fichier'}."
    if b["charges"]:
        st.success(texte + f" Toutes les pages affichent désormais les nouveaux chiffres (entrepôt : "
                           f"{b['version']}).", icon="✅")
    elif b["refuses"] or b.get("retenus"):
        st.warning(texte + " Les refus sont consignés dans l'historique ; rien d'autre n'a changé.", icon="⚠️")
    else:
        st.info(texte + " Rien n'a changé : aucune nouvelle version de l'entrepôt n'a été créée.", icon="ℹ️")
    st.dataframe(b["fichiers"], hide_index=True, column_config=config_colonnes(BILAN_COLONNES), key="bilan")
    st.caption("Nouveaux, remplacés, inchangés : nombre de retours (une structure, un modèle, une année) que chaque "
               "fichier a apportés.")
    if b["problemes"]:
        st.markdown("**Rapport des fichiers refusés**")
        grille_rapport(b["problemes"], key="bilan", nom="rapport_chargement.csv",
                       hauteur=hauteur(len(b["problemes"]), 320))
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1])
    c1.page_link("pages/qualite.py", label="Qualité des données", icon="🩺")
    c2.page_link("pages/vue_ensemble.py", label="Vue d'ensemble", icon="🏠")
    c3.page_link("pages/historique.py", label="Historique des chargements", icon="🕘")
    c4.button("Masquer ce bilan", key="masquer_bilan", type="tertiary",
              on_click=lambda: st.session_state.pop("_import_bilan", None))


DEPOT_CSS = """
<style>
/* The drop zone speaks French: Streamlit's English words are hidden and ours written instead. */
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0 !important; }
[data-testid="stFileUploaderDropzoneInstructions"] span::before {
    content: "Glissez-déposez vos fichiers ici · __LIMITE__ Mo au plus par fichier"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::before {
    content: "Choisir des fichiers"; font-size: 0.875rem;
}
/* A file's size is written "53.5MB" by Streamlit: hidden (the check below gives it in French). A file
   over the limit is stopped by the browser before it reaches the app: its chip says why, in French. */
[data-testid="stFileChipName"] + div { font-size: 0 !important; }
[data-testid="stFileChip"]:has([data-testid="stFileChipIconError"]) [data-testid="stFileChipName"] + div::before {
    content: "non envoyé : plus de __LIMITE__ Mo"; font-size: 0.75rem; color: #b3261e; white-space: nowrap;
}
</style>
"""


def style_depot() -> None:
    st.html(DEPOT_CSS.replace("__LIMITE__", str(limite_mo())))
