"""Entry points of the adaptation stage: the steady-state f-I of each adaptation strength
predicted from the reference neuron's f-I and the averaged adaptation variable, against
NEST.

The prediction of a part takes from NEST only the reference neuron's f-I (the model
with its slow mechanisms at strength 0, same condition and added conductance): the
averaged variable comes from the model's parameters (condrate.theory.adaptation), never
from the adapted curve it is judged against.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..io import read_csv, read_json, write_csv, write_json
from ..theory import adaptation as ad
from . import experiment

BAND_HZ = (1.0, 50.0)   # where errors are judged (NEST's rate), as in the theory stage
COLUMNS = ("strength", "condition", "delta_g_nS", "g_total_nS", "I_pA", "rate_Hz",
           "predicted_Hz", "predicted_interval_Hz", "reference_Hz", "initial_rate_Hz")


def mean_voltage(model, g_total_nS: float):
    """V_bar(r) of the model's membrane at total conductance g (mV), for a subthreshold
    mechanism: a leaky integrator between reset and threshold (None without them)."""
    if model.V_th_mV is None or model.V_reset_mV is None:
        return None
    tau = model.C_m_pF / g_total_nS
    return lambda r: ad.lif_mean_voltage(r, model.V_reset_mV, model.V_th_mV,
                                         model.t_ref_ms or 0.0, tau)


def curve(table: dict, condition: str, dg: float, column: str = "rate_Hz") -> tuple:
    """(I_pA, ``column``) of one condition and added conductance, by increasing I."""
    sel = (np.asarray(table["condition"]) == condition) & np.isclose(table["delta_g_nS"], dg)
    I, r = np.asarray(table["I_pA"])[sel], np.asarray(table[column])[sel]
    order = np.argsort(I)
    return I[order], r[order]


def noise_sd_Hz(r_Hz) -> float:
    """Standard deviation of the count noise of an f-I sampled at evenly spaced currents,
    one neuron each (Hz): from its second differences where the neuron fires, E[(r_{i-1}
    - 2 r_i + r_{i+1})^2] = 6 sigma^2 where the curve is locally linear over two grid
    steps (Gasser, Sroka & Jennen-Steinmetz 1986). Written here: scipy has no
    difference-based estimator of a curve's noise."""
    r = np.asarray(r_Hz, dtype=float)
    d2 = np.diff(r, 2)[(r[:-2] > 0) & (r[1:-1] > 0) & (r[2:] > 0)]
    if d2.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(d2 ** 2) / 6.0))


def smooth_curve(I_pA, r_Hz) -> Callable[[float], float]:
    """The f-I as a smooth function of the current (pA -> Hz) for a trajectory that follows
    its slope: a cubic smoothing spline (scipy.interpolate.splrep) whose residual sum of
    squares is the grid's expected noise, n sigma^2 (sigma from :func:`noise_sd_Hz`),
    held at the end values outside the grid, never below zero. Interpolating one neuron's
    counts per current instead makes the local slope jump from grid point to grid point
    by the count noise (docs/adaptation.md, "after a step")."""
    from scipy import interpolate

    I, r = np.asarray(I_pA, dtype=float), np.asarray(r_Hz, dtype=float)
    tck = interpolate.splrep(I, r, s=I.size * noise_sd_Hz(r) ** 2)
    lo, hi = float(I[0]), float(I[-1])
    return lambda x: max(float(interpolate.splev(min(max(x, lo), hi), tck)), 0.0)


def first_isi_rates(trains) -> np.ndarray:
    """Initial rate of every neuron (Hz): 1 / its first interspike interval after the
    drive's onset at t = 0, 0 where it fires fewer than two spikes. Before any slow
    variable has built up: the initial f-I, against the steady state's."""
    order = np.lexsort((trains.times_ms, trains.index))
    idx, t = trains.index[order], trains.times_ms[order]
    first = np.r_[True, idx[1:] != idx[:-1]]          # each neuron's first spike
    second = np.r_[False, first[:-1]] & ~first         # the spike right after it
    out = np.zeros(trains.n_neurons)
    isi = t[second] - t[np.flatnonzero(second) - 1]
    out[idx[second]] = 1000.0 / isi
    return out


def write_curves(spec, spikes, curves) -> None:
    """Rule adaptation_curves: the fi stage's steady-state rates of every grid neuron
    (after adaptation.warmup_ms) and the initial rate, 1 / the first interspike
    interval."""
    from ..fi import experiment as fi_experiment
    from ..fi.stage import counted_fi_curves
    from ..spiketrains import SpikeTrains

    spec_d, trains = read_json(spec), SpikeTrains.read(spikes)
    table = counted_fi_curves(spec_d, trains, spikes)
    table["initial_rate_Hz"] = first_isi_rates(trains).tolist()
    write_csv(curves, table, (*fi_experiment.FI_COLUMNS, "initial_rate_Hz"))


def predict_part(reference: dict, adapted: dict, model, slow: ad.Adaptation,
                 strength: float) -> dict:
    """Columns of COLUMNS for one part: NEST's adapted rate and the prediction, at every
    grid neuron of the adapted table."""
    out = {k: [] for k in COLUMNS}
    scaled = slow.scaled(strength)
    for cond in sorted(set(adapted["condition"])):
        for dg in sorted(set(adapted["delta_g_nS"])):
            I_ref, r_ref = curve(reference, cond, dg)
            I, r = curve(adapted, cond, dg)
            initial = curve(adapted, cond, dg, "initial_rate_Hz")[1]
            g_total = model.g_L_nS + dg
            f0 = lambda x, I_ref=I_ref, r_ref=r_ref: np.interp(x, I_ref, r_ref)  # noqa: E731
            vbar = mean_voltage(model, g_total)
            if scaled.subthreshold is not None and vbar is None:
                raise ValueError(f"{model.name}: a subthreshold adaptation needs the "
                                 "threshold and reset roles")
            for current, rate, first in zip(I, r, initial):
                out["strength"].append(strength)
                out["condition"].append(cond)
                out["delta_g_nS"].append(float(dg))
                out["g_total_nS"].append(g_total)
                out["I_pA"].append(float(current))
                out["rate_Hz"].append(float(rate))
                out["predicted_Hz"].append(ad.adapted_rate(
                    float(current), f0, scaled, g_total, vbar, model.E_L_mV))
                out["predicted_interval_Hz"].append(ad.interval_rate(
                    float(current), f0, scaled, g_total, vbar, model.E_L_mV))
                out["reference_Hz"].append(float(f0(float(current))))
                out["initial_rate_Hz"].append(float(first))
    return out


def slope(I, r, band) -> float | None:
    """The fi stage's gain of one curve (Hz/pA, condrate.fi.fit.level_gain: the slope
    over the rates inside ``band``), None where it has fewer than 3 points (JSON)."""
    from ..fi.fit import level_gain

    gain = level_gain(I, r, band)
    return None if np.isnan(gain) else gain


def summarise(rows: dict, slow: ad.Adaptation, fit_band) -> dict:
    """Per strength and condition: the error in BAND_HZ (median, p90, n) and, per added
    conductance, the adapted gain fitted to NEST, to the prediction, and from the
    threshold-linear formula beta / (1 + beta J) with the reference's gain."""
    cols = {k: np.asarray(v) for k, v in rows.items()}
    out = []
    for s in np.unique(cols["strength"]):
        for cond in np.unique(cols["condition"]):
            sel = (cols["strength"] == s) & (cols["condition"] == cond)
            sim = cols["rate_Hz"][sel]
            band = (sim >= BAND_HZ[0]) & (sim <= BAND_HZ[1])
            entry = {"strength": float(s), "condition": str(cond), "n": int(band.sum())}
            for suffix, column in (("", "predicted_Hz"), ("_interval", "predicted_interval_Hz")):
                err = np.abs(cols[column][sel][band] - sim[band]) / sim[band]
                entry[f"median_rel_error{suffix}"] = float(np.median(err)) if err.size else None
                entry[f"p90_rel_error{suffix}"] = (float(np.percentile(err, 90)) if err.size
                                                   else None)
            entry["levels"] = []
            for dg in np.unique(cols["delta_g_nS"][sel]):
                lv = sel & (cols["delta_g_nS"] == dg)
                I = cols["I_pA"][lv]
                beta_ref = slope(I, cols["reference_Hz"][lv], fit_band)
                J = slow.scaled(float(s)).J_pA_per_Hz(float(cols["g_total_nS"][lv][0]))
                entry["levels"].append({
                    "delta_g_nS": float(dg), "J_pA_per_Hz": J,
                    "gain_reference_Hz_per_pA": beta_ref,
                    "gain_nest_Hz_per_pA": slope(I, cols["rate_Hz"][lv], fit_band),
                    "gain_predicted_Hz_per_pA": slope(I, cols["predicted_Hz"][lv], fit_band),
                    "gain_interval_Hz_per_pA": slope(I, cols["predicted_interval_Hz"][lv],
                                                     fit_band),
                    "gain_initial_Hz_per_pA": slope(I, cols["initial_rate_Hz"][lv], fit_band),
                    "gain_formula_Hz_per_pA": None if beta_ref is None
                    else ad.adapted_gain(beta_ref, J)})
            for key in ("nest", "predicted", "interval", "initial", "reference"):
                g = [lv[f"gain_{key}_Hz_per_pA"] for lv in entry["levels"]]
                entry[f"gain_ratio_{key}"] = g[-1] / g[0] if g[0] and g[-1] else None
            out.append(entry)
    return {"band_Hz": list(BAND_HZ), "fit_band_Hz": list(fit_band), "parts": out}


def write_prediction(specs, curves, reference_spec, reference_curves, prediction,
                     summary) -> None:
    """Rule adaptation_predict: every strength part against its prediction."""
    ref_spec = read_json(reference_spec)
    model = experiment.model_as_filed(ref_spec)  # the mechanisms at strength 1
    slow = experiment.slow_adaptation(ref_spec["config"], model)
    reference = read_csv(reference_curves)
    rows = {k: [] for k in COLUMNS}
    for spec, table in zip(specs, curves):
        part = predict_part(reference, read_csv(table), model, slow, read_json(spec)["strength"])
        for k in COLUMNS:
            rows[k] += part[k]
    write_csv(prediction, rows, COLUMNS)
    result = summarise(rows, slow, ref_spec["fit_band_Hz"])
    result["mechanisms"] = slow.records()
    result["slow_ms"] = ref_spec["config"]["adaptation"]["slow_ms"]
    result["uses"] = ("the reference neuron's f-I from NEST (slow mechanisms at strength 0, "
                      "same condition and added conductance) and the adaptation from the "
                      "model's parameters, averaged over the interspike interval "
                      "(predicted_Hz) or followed along it (predicted_interval_Hz); nothing "
                      "of the adapted run")
    write_json(summary, result)


def plot_adaptation(prediction, summary, step, model: str, figure) -> None:
    from ..plotstyle import save
    from . import plots

    save(plots.adaptation_figure(read_csv(prediction), read_json(summary), read_json(step),
                                 model), *figure)


def population_rate(trains, edges, neurons=None) -> np.ndarray:
    """Rate (Hz) of the population (or of the neuron indices ``neurons``, repeats
    counted) in the bins ``edges`` (ms)."""
    bin_s = np.diff(edges) / 1000.0
    if neurons is None:
        counts, _ = np.histogram(trains.times_ms, edges)
        return counts / trains.n_neurons / bin_s
    weight = np.bincount(neurons, minlength=trains.n_neurons)[trains.index]
    counts, _ = np.histogram(trains.times_ms, edges, weights=weight)
    return counts / len(neurons) / bin_s


def bootstrap_tau(trains, edges, t_step_ms: float, skip_ms: float, n_boot: int,
                  seed: int) -> list:
    """95 % interval (ms) of NEST's slow time constant over populations resampled from
    its neurons (with replacement), fitted as :func:`condrate.theory.adaptation.fit_relaxation`."""
    rng = np.random.default_rng(seed)
    centres = edges[:-1] + np.diff(edges) / 2
    taus = [ad.fit_relaxation(centres, population_rate(
                trains, edges, rng.integers(0, trains.n_neurons, trains.n_neurons)),
                t_step_ms, skip_ms)["tau_ms"] for _ in range(n_boot)]
    return [float(np.percentile(taus, 2.5)), float(np.percentile(taus, 97.5))]


def fast_time_ms(model, g_total_nS: float, slow_ms: float) -> float:
    """The slowest of the fast time scales after a step (ms): the membrane's C / g_total
    and every adaptation mechanism faster than ``slow_ms`` (kept in the reference)."""
    fast = [m.tau_ms for m in ad.from_model(model).mechanisms() if m.tau_ms < slow_ms]
    return max([model.C_m_pF / g_total_nS, *fast])


def write_step(spec, spikes, reference_spec, reference_curves, step) -> None:
    """Rule adaptation_step: the population rate of the step run against the rate
    equations with the averaged variables (from the reference f-I at the step's
    condition and added conductance, smoothed by :func:`smooth_curve`, and the model's
    parameters; the same equations on the interpolated counts for comparison):
    overshoot and slow time constant, fitted the same way to each, from three fast time
    scales after the step on (:func:`fast_time_ms`); NEST's time constant with a
    bootstrap interval over its neurons."""
    from ..spiketrains import SpikeTrains

    spec_d, ref_spec = read_json(spec), read_json(reference_spec)
    trains = SpikeTrains.read(spikes)
    if trains.meta["spikes_total"] != trains.times_ms.size:
        raise RuntimeError(f"{spikes}: spike count differs from the gather's")
    model = experiment.model_as_filed(spec_d)
    config = spec_d["config"]["adaptation"]
    slow = experiment.slow_adaptation(spec_d["config"], model)
    st, bin_ms = spec_d["step"], float(config["step"]["bin_ms"])
    edges = np.arange(0.0, spec_d["duration_ms"] + bin_ms / 2, bin_ms)
    n = len(spec_d["table"]["I_pA"])
    if trains.n_neurons != n:
        raise RuntimeError(f"{spikes}: {trains.n_neurons} neurons, the spec has {n}")
    t_nest, r_nest = edges[:-1] + bin_ms / 2, population_rate(trains, edges)
    dg = float(config["step"]["delta_g_nS"])
    I_ref, r_ref = curve(read_csv(reference_curves), config["step"]["condition"], dg)
    g_total = model.g_L_nS + dg
    skip = 3.0 * fast_time_ms(model, g_total, float(config["slow_ms"]))

    def predicted(f0):
        """The rate equations' trajectory on f0, binned as NEST's rate is."""
        t_rate, r_rate = ad.rate_dynamics(
            lambda t: st["I_after_pA"] if t >= st["t_ms"] else st["I_before_pA"], f0, slow,
            g_total, spec_d["duration_ms"], V_bar=mean_voltage(model, g_total),
            E_L_mV=model.E_L_mV)
        return np.array([r_rate[(t_rate >= a) & (t_rate < a + bin_ms)].mean()
                         for a in edges[:-1]])

    # the trajectory follows f0's slope, not only its level: the smoothed reference; the
    # counts interpolated (whose slope jumps with their noise) for comparison only
    r_pred = predicted(smooth_curve(I_ref, r_ref))
    r_interp = predicted(lambda x: float(np.interp(x, I_ref, r_ref)))
    nest_fit, pred_fit, interp_fit = (ad.fit_relaxation(t_nest, r, st["t_ms"], skip)
                                      for r in (r_nest, r_pred, r_interp))
    nest_fit["tau_interval_ms"] = bootstrap_tau(trains, edges, st["t_ms"], skip,
                                                int(config["step"]["bootstrap"]),
                                                int(spec_d["config"]["nest"]["seed"]))
    lo, hi = nest_fit["tau_interval_ms"]
    write_json(step, {
        "nest": nest_fit, "predicted": pred_fit,
        "predicted_interpolated_reference": interp_fit | {
            "tau_rel_error": abs(interp_fit["tau_ms"] - nest_fit["tau_ms"]) / nest_fit["tau_ms"]},
        "tau_rel_error": abs(pred_fit["tau_ms"] - nest_fit["tau_ms"]) / nest_fit["tau_ms"],
        "tau_within_interval": bool(lo <= pred_fit["tau_ms"] <= hi),
        "overshoot_rel_error": None if not (nest_fit["overshoot"] and pred_fit["overshoot"])
        else abs(pred_fit["overshoot"] - nest_fit["overshoot"]) / nest_fit["overshoot"],
        "neurons": n, "bin_ms": bin_ms, "step": st,
        "mechanism_tau_ms": slow.time_constants_ms(),
        "rate_nest_Hz": r_nest.tolist(), "rate_predicted_Hz": r_pred.tolist(),
        "t_ms": t_nest.tolist(),
        "uses": ("the reference neuron's f-I from NEST at the step's condition and added "
                 "conductance (a smoothing spline through its counts), and the averaged "
                 "variables from the model's parameters; nothing of the step run")})
