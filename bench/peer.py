"""The peer: indicateurs_territoire for one year, as an analyst would compute it with pandas
straight from the plain CSV returns (docs/CONTRACT.md section 4), to compare speed and numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from contract import COMMUNES_REUNION, DYNAMIC_EXIT_CATEGORIES, MOTIF_CATEGORIES, SUPERVISION_FUNCTIONS

KEY = ["bassin", "type_siae"]
# Columns compared with the view: counts, sums and ratios of every input template.
COMPARED = ["nb_siae", "nb_retours_complets", "taux_retour", "nb_salaries", "nb_entrees", "nb_sorties",
            "etp_insertion", "taux_realisation_etp", "taux_sortie_dynamique", "taux_emploi_durable",
            "part_femmes", "part_rsa", "etp_permanents", "etp_encadrement", "chiffre_affaires",
            "financement_public", "ratio_public_ca", "fonds_propres_pct_ca"]
AIDES = ["aides_etat", "aides_departement", "aides_region", "aides_communes", "fse", "autres_aides_publiques"]


def read_year(folder: Path, year: int) -> dict[str, pd.DataFrame]:
    """The year's plain CSV files (`<annee>/<template>_<annee>.csv`), only the columns needed."""
    def csv(name: str, cols: list[str], dates: list[str] = ()) -> pd.DataFrame:
        return pd.read_csv(folder / str(year) / f"{name}_{year}.csv", sep=";", usecols=cols,
                           dtype={"siret": str, "commune_insee": str}, parse_dates=list(dates))

    return {
        "conventions": csv("conventions", ["annee", "siret", "type_siae", "commune_insee", "etp_conventionnes"]),
        "structure": csv("structure", ["annee", "siret"]),
        "salaries": csv("salaries_insertion", ["annee", "siret", "sexe", "statut_entree", "heures_travaillees",
                                               "date_entree", "date_sortie", "motif_sortie"],
                        ["date_entree", "date_sortie"]),
        "personnel": csv("personnel_permanent", ["annee", "siret", "statut", "fonction", "heures_hebdo",
                                                 "date_entree", "date_sortie"], ["date_entree", "date_sortie"]),
        "finances": csv("finances", ["annee", "siret", "chiffre_affaires", *AIDES, "fonds_propres"]),
    }


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NULL (NaN) when the denominator is 0 or unknown."""
    return num / den.where(den != 0)


def compute(frames: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    f = {k: v[v["annee"] == year] for k, v in frames.items()}

    conv = f["conventions"].merge(pd.DataFrame(COMMUNES_REUNION, columns=["commune_insee", "nom", "bassin"])
                                  [["commune_insee", "bassin"]], on="commune_insee", how="left")

    # Integration employees present in the year, one row per SIAE.
    sal = f["salaries"]
    sal = sal[(sal["date_entree"] <= end) & (sal["date_sortie"].isna() | (sal["date_sortie"] >= start))]
    category = sal["motif_sortie"].map({m: c for c, ms in MOTIF_CATEGORIES.items() for m in ms})
    exits = sal["date_sortie"].between(start, end)
    sal = sal.assign(
        entree=sal["date_entree"].between(start, end), sortie=exits, femme=sal["sexe"] == "F",
        rsa=sal["statut_entree"] == "RSA", dynamique=exits & category.isin(DYNAMIC_EXIT_CATEGORIES),
        durable=exits & (category == "EMPLOI_DURABLE"), neutre=exits & (category == "NEUTRE"),
    )
    public = sal.groupby("siret").agg(
        nb_salaries=("siret", "size"), nb_entrees=("entree", "sum"), nb_sorties=("sortie", "sum"),
        heures=("heures_travaillees", "sum"), nb_femmes=("femme", "sum"), nb_rsa=("rsa", "sum"),
        nb_dyn=("dynamique", "sum"), nb_durable=("durable", "sum"), nb_neutres=("neutre", "sum"),
    )
    # A received return with nobody present counts 0; a missing return stays NaN.
    public = public.reindex(f["salaries"]["siret"].unique(), fill_value=0)

    # Permanent staff FTE: min(hours, 35) / 35 x share of the year present, volunteers excluded.
    per = f["personnel"]
    per_present = (per["date_entree"] <= end) & (per["date_sortie"].isna() | (per["date_sortie"] >= start))
    days = (per["date_sortie"].fillna(end).clip(upper=end) - per["date_entree"].clip(lower=start)).dt.days + 1
    days_in_year = (end - start).days + 1
    etp = (per["heures_hebdo"].clip(upper=35) / 35 * days.clip(lower=0) / days_in_year)
    paid = per_present & (per["statut"] != "BENEVOLE")
    per = per.assign(etp=etp.where(paid, 0.0),
                     etp_enc=etp.where(paid & per["fonction"].isin(SUPERVISION_FUNCTIONS), 0.0))
    staff = per.groupby("siret").agg(etp_permanents=("etp", "sum"), etp_encadrement=("etp_enc", "sum"))

    fin = f["finances"].set_index("siret")
    fin = pd.DataFrame({"chiffre_affaires": fin["chiffre_affaires"],
                        "financement_public": fin[AIDES].fillna(0).sum(axis=1),
                        "fonds_propres": fin["fonds_propres"]})

    siae = conv.set_index("siret").join(public).join(staff).join(fin)
    # A return is received when its file has rows of that SIAE (distinct sirets first: isin on
    # 300,000 arrow strings is slow in pandas 3).
    received = {k: f[k]["siret"].unique().tolist() for k in ("structure", "salaries", "personnel", "finances")}
    siae["retour_salaries"] = siae.index.isin(received["salaries"])
    siae["retour_complet"] = (siae["retour_salaries"] & siae.index.isin(received["structure"])
                              & siae.index.isin(received["personnel"]) & siae.index.isin(received["finances"]))
    siae["etp_insertion"] = siae["heures"] / 1607
    siae["etp_conv_sal"] = siae["etp_conventionnes"].where(siae["retour_salaries"])
    ca_known = siae["chiffre_affaires"].notna()
    siae["fp_ca_connu"] = siae["financement_public"].where(ca_known)
    siae["ca_fp_connu"] = siae["chiffre_affaires"].where(siae["financement_public"].notna())
    siae["fonds_ca_connu"] = siae["fonds_propres"].where(ca_known)
    siae["ca_fonds_connus"] = siae["chiffre_affaires"].where(siae["fonds_propres"].notna())
    siae["bassin_"], siae["type_"] = siae["bassin"], siae["type_siae"]

    sums = ["nb_salaries", "nb_entrees", "nb_sorties", "etp_conventionnes", "etp_insertion", "etp_conv_sal",
            "nb_dyn", "nb_durable", "nb_neutres", "nb_femmes", "nb_rsa", "etp_permanents", "etp_encadrement",
            "chiffre_affaires", "financement_public", "fp_ca_connu", "ca_fp_connu", "fonds_ca_connu",
            "ca_fonds_connus"]
    parts = []
    for keys in (["bassin_", "type_"], ["bassin_"], ["type_"], []):
        g = siae.assign(_all=0).groupby(keys or ["_all"])
        agg = g[sums].sum(min_count=1)  # like SQL: the sum of nothing but NULLs is NULL
        agg["nb_siae"] = g.size()
        agg["nb_retours_complets"] = g["retour_complet"].sum()
        agg = agg.reset_index()
        agg["bassin"] = agg["bassin_"] if "bassin_" in keys else "TOUS"
        agg["type_siae"] = agg["type_"] if "type_" in keys else "TOUS"
        parts.append(agg)
    t = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame({"annee": year, "bassin": t["bassin"], "type_siae": t["type_siae"],
                        "nb_siae": t["nb_siae"], "nb_retours_complets": t["nb_retours_complets"]})
    out["taux_retour"] = _ratio(t["nb_retours_complets"], t["nb_siae"])
    for c in ("nb_salaries", "nb_entrees", "nb_sorties", "etp_conventionnes", "etp_insertion"):
        out[c] = t[c]
    out["taux_realisation_etp"] = _ratio(t["etp_insertion"], t["etp_conv_sal"])
    out["taux_sortie_dynamique"] = _ratio(t["nb_dyn"], t["nb_sorties"] - t["nb_neutres"])
    out["taux_emploi_durable"] = _ratio(t["nb_durable"], t["nb_sorties"] - t["nb_neutres"])
    out["part_femmes"] = _ratio(t["nb_femmes"], t["nb_salaries"])
    out["part_rsa"] = _ratio(t["nb_rsa"], t["nb_salaries"])
    for c in ("etp_permanents", "etp_encadrement", "chiffre_affaires", "financement_public"):
        out[c] = t[c]
    out["ratio_public_ca"] = _ratio(t["fp_ca_connu"], t["ca_fp_connu"])
    out["fonds_propres_pct_ca"] = _ratio(t["fonds_ca_connu"], t["ca_fonds_connus"])
    return out


def indicateurs_territoire(folder: Path, year: int) -> pd.DataFrame:
    """End to end, as timed: read the year's CSV files, then compute."""
    return compute(read_year(folder, year), year)


def concordance(peer: pd.DataFrame, view: pd.DataFrame, rel_tol: float = 1e-6) -> dict:
    """Compare the peer with the view, row by row on (bassin, type_siae), column by column."""
    a = peer.set_index(KEY)
    b = view.set_index(KEY)
    missing = sorted(set(map(tuple, b.index)) ^ set(map(tuple, a.index)))
    common = a.index.intersection(b.index)
    worst, worst_col, mismatches = 0.0, None, []
    for col in COMPARED:
        for k in common:
            x, y = a.at[k, col], b.at[k, col]
            x = None if pd.isna(x) else float(x)
            y = None if pd.isna(y) else float(y)
            if x is None or y is None:
                if x is not y:
                    mismatches.append(f"{col} {k}: pandas {x}, vue {y}")
                continue
            err = abs(x - y) / max(abs(x), abs(y), 1e-12)
            if err > worst:
                worst, worst_col = err, col
            if err > rel_tol:
                mismatches.append(f"{col} {k}: pandas {x}, vue {y}")
    return {"colonnes": len(COMPARED), "lignes": len(common), "lignes_sans_pendant": len(missing),
            "ecart_relatif_max": worst, "colonne_ecart_max": worst_col, "ecarts": mismatches[:10],
            "nb_ecarts": len(mismatches) + len(missing), "ok": not mismatches and not missing}
