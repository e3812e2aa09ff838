"""The fixed-step neurons (condrate's NEST module) against NEST's built-in models.

Pure functions: a study's config switched to the fixed-step integrator, rates from
inter-spike intervals, relative errors summarised by rate band, and the comparison of
two runs of the same study (one per integrator) from their result files. The runs
themselves are real NEST simulations (tests/nestrun/test_extension.py, make
fast-models). Times in ms, rates in Hz.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from .io import read_csv, read_json
from .params import read_model_file


def fixed_step_config(config: dict, models=None, root=".") -> dict:
    """A copy of ``config`` whose models (all with a fixed-step version, or ``models``)
    run with integrator fixed_step."""
    out = copy.deepcopy(config)
    names = config["models"] if models is None else models
    chosen = {m: "fixed_step" for m in names
              if read_model_file(Path(root) / config["models_dir"], m).get("fixed_step_model")}
    out["integrator"] = out.get("integrator", {}) | chosen
    return out


def isi_rates_Hz(index: np.ndarray, times_ms: np.ndarray, n_neurons: int,
                 t0_ms: float) -> np.ndarray:
    """Each neuron's rate as 1 / mean inter-spike interval of its spikes after t0 (Hz;
    0 with fewer than 3 spikes). For regular firing this resolves the rate far below the
    1 / window of a spike count. index: neuron index per spike, times in ms, sorted by
    time."""
    keep = times_ms >= t0_ms
    idx, t = index[keep], times_ms[keep]
    order = np.lexsort((t, idx))
    idx, t = idx[order], t[order]
    n = np.bincount(idx, minlength=n_neurons)
    first = np.full(n_neurons, np.nan)
    last = np.full(n_neurons, np.nan)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    has = n > 0
    first[has] = t[starts[has]]
    last[has] = t[starts[has] + n[has] - 1]
    out = np.zeros(n_neurons)
    ok = n >= 3
    out[ok] = (n[ok] - 1) / (last[ok] - first[ok]) * 1e3
    return out


def relative_errors(test, ref) -> np.ndarray:
    """|test - ref| / ref, elementwise (ref > 0)."""
    test, ref = np.asarray(test, float), np.asarray(ref, float)
    return np.abs(test - ref) / ref


def band_summary(test, ref, lo_Hz: float, hi_Hz: float) -> dict:
    """Relative errors of ``test`` against ``ref`` where lo <= ref <= hi (Hz): count,
    median, 90th percentile and maximum (None where no point lies in the band)."""
    test, ref = np.asarray(test, float), np.asarray(ref, float)
    sel = (ref >= lo_Hz) & (ref <= hi_Hz)
    band = [lo_Hz, None if np.isinf(hi_Hz) else hi_Hz]  # None: no upper bound (JSON)
    if not sel.any():
        return {"band_Hz": band, "n": 0, "median": None, "p90": None, "max": None}
    err = relative_errors(test[sel], ref[sel])
    return {"band_Hz": band, "n": int(sel.sum()), "median": float(np.median(err)),
            "p90": float(np.percentile(err, 90)), "max": float(err.max())}


def network_statistics(stats: dict, population: str = "E") -> dict:
    """Rate (Hz), mean ISI CV and mean Fano factor of one population of a stats.json."""
    pop = stats["populations"][population]
    return {"rate": float(pop["rate_Hz"]), "cv": float(pop["cv_isi"]["mean"]),
            "fano": float(pop["fano"]["mean"])}


def statistics_errors(ref: dict, test: dict) -> dict:
    """Relative error of each network statistic (rate, cv, fano) of ``test``."""
    return {k: abs(test[k] - ref[k]) / abs(ref[k]) for k in ref}


# ---- one study run twice (NEST's models in ref, the fixed-step ones in fast) ----------

FI_BAND_HZ = (5.0, 200.0)
OPENLOOP_BANDS_HZ = {"1_50Hz": (1.0, 50.0), "above_1Hz": (1.0, np.inf)}


def compare_fi(ref_dir: Path, fast_dir: Path, model: str) -> dict:
    """f-I curves (count rates per neuron, 5-200 Hz) and the threshold fits per condition."""
    ref = read_csv(Path(ref_dir) / "results" / "fi" / model / "fi_curves.csv")
    fast = read_csv(Path(fast_dir) / "results" / "fi" / model / "fi_curves.csv")
    fit_r = read_json(Path(ref_dir) / "results" / "fi" / model / "threshold_fit.json")
    fit_f = read_json(Path(fast_dir) / "results" / "fi" / model / "threshold_fit.json")
    out = {}
    for cond in sorted(set(ref["condition"])):
        sel = np.asarray(ref["condition"]) == cond
        out[cond] = {
            "rates": band_summary(np.asarray(fast["rate_Hz"], float)[sel],
                                  np.asarray(ref["rate_Hz"], float)[sel], *FI_BAND_HZ),
            "fit": {k: {"nest": fit_r[cond][k], "fixed_step": fit_f[cond][k],
                        "relative_error": abs(fit_f[cond][k] - fit_r[cond][k])
                        / abs(fit_r[cond][k])}
                    for k in ("v_theta_mV", "I_theta0_pA", "gain_Hz_per_pA")},
        }
    return out


def compare_openloop(ref_dir: Path, fast_dir: Path, model: str) -> dict:
    """Open-loop rates of the conditions both runs share (the fixed grid; the conditions
    around the operating point follow each run's own network), by band of NEST's rate."""
    rows = {k: read_json(Path(d) / "results" / "theory" / model / "openloop" / "rows.json")
            for k, d in (("nest", ref_dir), ("fixed_step", fast_dir))}
    rates = {k: dict(zip(r["condition"], r["simulated_Hz"])) for k, r in rows.items()}
    shared = [c for c in rates["nest"] if c in rates["fixed_step"]]
    ref = [rates["nest"][c] for c in shared]
    test = [rates["fixed_step"][c] for c in shared]
    return {"conditions": len(shared)} | {
        band: band_summary(test, ref, lo, hi) for band, (lo, hi) in OPENLOOP_BANDS_HZ.items()}


def compare_networks(ref_dir: Path, fast_dir: Path, model: str) -> dict:
    """Rate, ISI CV and Fano factor of both populations in every network run of the
    study (the base network and its sweeps): {run: {population: {stat: values}}}."""
    out = {}
    base = Path(ref_dir) / "results" / "network" / model
    for stats_path in sorted(base.glob("*/stats.json")):
        run = stats_path.parent.name
        fast_path = Path(fast_dir) / "results" / "network" / model / run / "stats.json"
        if not fast_path.exists():
            continue
        ref, fast = read_json(stats_path), read_json(fast_path)
        out[run] = {}
        for pop in ("E", "I"):
            r, f = network_statistics(ref, pop), network_statistics(fast, pop)
            out[run][pop] = {"nest": r, "fixed_step": f, "relative_error": statistics_errors(r, f)}
    return out


def compare_feedback(ref_dir: Path, fast_dir: Path, model: str, min_Hz: float = 1.0) -> list:
    """NEST's open-loop ignition threshold of each loop gain (>= min_Hz in the reference)
    with both integrators (each run designs G_o from its own f-I fit)."""
    gains = {k: read_json(Path(d) / "results" / "theory" / model / "uniform_feedback.json")
             ["loop_gains"] for k, d in (("nest", ref_dir), ("fixed_step", fast_dir))}
    out = []
    for r, f in zip(gains["nest"], gains["fixed_step"]):
        ref, test = r["simulated_threshold_Hz"], f["simulated_threshold_Hz"]
        if ref is None or test is None or ref < min_Hz:
            continue
        out.append({"loop_gain": r["loop_gain"], "nest_Hz": ref, "fixed_step_Hz": test,
                    "relative_error": abs(test - ref) / ref})
    return out


def compare_runs(ref_dir: Path, fast_dir: Path, models) -> dict:
    """Everything the two runs of one study share, per model."""
    return {m: {"fi": compare_fi(ref_dir, fast_dir, m),
                "openloop": compare_openloop(ref_dir, fast_dir, m),
                "networks": compare_networks(ref_dir, fast_dir, m),
                "feedback": compare_feedback(ref_dir, fast_dir, m)} for m in models}
