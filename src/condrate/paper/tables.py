"""The key tables of a run as CSV (threshold fits, network statistics, rate-theory errors
by band), for the Snakemake report and for a paper's supplement."""

from __future__ import annotations

from ..criteria import rate_bands
from ..io import read_json, write_csv

BANDS = tuple(rate_bands(None))  # the band names of summary.json


def threshold_rows(models: list, fits: list) -> list:
    rows = []
    for m, path in zip(models, fits):
        fit = read_json(path)
        for cond in ("deterministic", "noisy"):
            if cond not in fit:
                continue
            f = fit[cond]
            rows.append({"model": m, "condition": cond, "v_theta_mV": f["v_theta_mV"],
                         "v_theta_low_mV": f["v_theta_interval_mV"][0],
                         "v_theta_high_mV": f["v_theta_interval_mV"][1],
                         "I_theta0_pA": f["I_theta0_pA"], "gain_Hz_per_pA": f["gain_Hz_per_pA"],
                         "r2": f["r2"],
                         "fit_band_Hz": "-".join(f"{x:g}" for x in f["fit_band_Hz"])})
    return rows


def network_rows(models: list, stats: list) -> list:
    rows = []
    for m, path in zip(models, stats):
        st = read_json(path)
        for p, s in st["populations"].items():
            rows.append({"model": m, "population": p, "rate_Hz": s["rate_Hz"],
                         "cv_isi_mean": s["cv_isi"]["mean"], "fano_mean": s["fano"]["mean"],
                         "chi": s["chi"], "correlation_mean": s["correlation"]["mean"],
                         "fraction_silent": s["fraction_silent"],
                         "V_m_mean_mV": st["inputs"][p]["V_m_mean_mV"],
                         "asynchronous_irregular": st["ai_state"]["asynchronous_irregular"]})
    return rows


def error_rows(models: list, summaries: list) -> list:
    rows = []
    for m, path in zip(models, summaries):
        summ = read_json(path)
        for exp in ("open_loop", "closed_loop", "uniform_feedback"):
            for pred, s in summ.get(exp, {}).items():
                for band in BANDS:
                    b = s.get("bands", {}).get(band, {})
                    rows.append({"model": m, "experiment": exp, "prediction": pred,
                                 "band": band, "n": b.get("n"),
                                 "median_rel_error": b.get("median_rel_error"),
                                 "p90_rel_error": b.get("p90_rel_error")})
    return rows


def write_tables(fi_models, fits, network_models, stats, theory_models, summaries,
                 threshold_fits_csv, network_stats_csv, theory_errors_csv) -> None:
    for path, rows in ((threshold_fits_csv, threshold_rows(fi_models, fits)),
                       (network_stats_csv, network_rows(network_models, stats)),
                       (theory_errors_csv, error_rows(theory_models, summaries))):
        order = list(rows[0]) if rows else ["model"]
        write_csv(path, {k: [r[k] for r in rows] for k in order}, order)
