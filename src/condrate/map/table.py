"""One row per map point: the network's statistics and the closed-loop error of every
rate prediction (pure functions; files in condrate.map.stage).

Predictions take nothing from the point's network run: (i) threshold-linear, (ii)
fluctuation-aware and (iii) semi-analytic f are fixed points of the rate equations
with the point's synapses and drive ((iii) is calibrated on single neurons at the
study's own operating point, never at the map's); (iv) is the map's self-consistent
single-neuron iteration. Errors are relative to the network's excitatory rate, and
undefined below RATE_CUT_HZ (a silent point has no relative error).
"""

from __future__ import annotations

import math

import numpy as np

from ..criteria import RATE_CUT_HZ
from ..theory import rate_model as rt

PREDICTORS = {"linear": "(i) threshold-linear", "fluct": "(ii) fluctuation-aware",
              "semianalytic": "(iii) semi-analytic", "selfconsistent": "(iv) self-consistent"}
TOLERANCE = 0.10  # "within 10 %"
STATS = ("rate_E_Hz", "rate_I_Hz", "cv_isi", "fano", "chi", "correlation",
         "fraction_silent", "asynchronous_irregular", "mean_driven_index")
COLUMNS = (["point", "g", "nu_ext_Hz", *STATS]
           + [f"{k}_Hz" for k in PREDICTORS] + [f"{k}_rel_error" for k in PREDICTORS]
           + ["selfconsistent_converged"])


def mean_driven_index(model, fit: dict, inputs: dict, I_ext_pA: float) -> float | None:
    """(mu - theta) / sigma of the free membrane potential, from the conductances the
    network's sampled neurons received (mean and temporal variance, nS, nS^2).

    In these networks tau_eff = C_m / g_total is short against the synaptic decay, so
    the free potential follows its momentary reversal potential
    mu(g) = (g_L E_L + g_e E_e + g_i E_i + I) / g_total; sigma is that potential's
    standard deviation to first order in the conductance fluctuations. theta is where
    the deterministic f-I fit puts the onset at this total conductance:
    E_L + v_theta + I_theta0 / g_total (V_th for an integrate-and-fire neuron).
    Positive: mean-driven; negative: fluctuation-driven. None without recordings."""
    if not inputs or "g_ex_var_nS2" not in inputs:
        return None
    ge, gi = inputs["g_ex_nS"], inputs["g_in_nS"]
    E_e, E_i = model.excitatory.E_rev_mV, model.inhibitory.E_rev_mV
    g0 = model.g_L_nS + ge + gi
    mu = (model.g_L_nS * model.E_L_mV + ge * E_e + gi * E_i + I_ext_pA) / g0
    sd = math.sqrt(inputs["g_ex_var_nS2"] * (E_e - mu) ** 2
                   + inputs["g_in_var_nS2"] * (E_i - mu) ** 2) / g0
    theta = model.E_L_mV + fit["v_theta_mV"] + fit["I_theta0_pA"] / g0
    return float((mu - theta) / sd) if sd > 0 else None


def rel_error(predicted, simulated_Hz: float) -> float | None:
    """|predicted - simulated| / simulated; None below RATE_CUT_HZ or without a
    prediction (no stable fixed point)."""
    if predicted is None or simulated_Hz < RATE_CUT_HZ:
        return None
    return float(abs(predicted - simulated_Hz) / simulated_Hz)


def predictions(model, p: dict, nu: float, I_ext: float, calibration: dict) -> dict:
    """E rate (Hz) at the stable fixed point reached from rest, per rate equation
    (None where it has none)."""
    points = {"linear": rt.linear_fixed_points(p, nu, I_ext),
              "fluct": rt.fluct_fixed_points(p, model, nu, I_ext),
              "semianalytic": rt.semianalytic_fixed_points(p, model, nu, calibration, I_ext)}
    out = {}
    for key, fps in points.items():
        fp = rt.rest_fixed_point(fps)
        out[key] = fp and float(fp["rates_Hz"][0])
    return out


def row(point: str, g: float, stats: dict, model, fit: dict, p: dict, calibration: dict,
        iterated: dict | None) -> dict:
    """The map row of one point (stats: its network stats.json; p: the rate model with
    its synapses; iterated: its self-consistent prediction, or None)."""
    net, pops = stats["network"], stats["populations"]
    E = pops["E"]
    out = {"point": point, "g": g, "nu_ext_Hz": net["nu_ext_Hz"],
           "rate_E_Hz": E["rate_Hz"], "rate_I_Hz": pops["I"]["rate_Hz"],
           "cv_isi": E["cv_isi"]["mean"], "fano": E["fano"]["mean"], "chi": E["chi"],
           "correlation": E["correlation"]["mean"], "fraction_silent": E["fraction_silent"],
           "asynchronous_irregular": bool(stats["ai_state"]["asynchronous_irregular"]),
           "mean_driven_index": mean_driven_index(model, fit, stats["inputs"].get("E"),
                                                  net["I_ext_pA"])}
    pred = predictions(model, p, net["nu_ext_Hz"], net["I_ext_pA"], calibration)
    pred["selfconsistent"] = iterated and iterated["rate_Hz"]
    for key in PREDICTORS:
        out[f"{key}_Hz"] = pred[key]
        out[f"{key}_rel_error"] = rel_error(pred[key], E["rate_Hz"])
    out["selfconsistent_converged"] = iterated and bool(iterated["converged"])
    return out


def columns(rows: list[dict]) -> dict:
    """Rows to a column table (COLUMNS order)."""
    return {c: [r[c] for r in rows] for c in COLUMNS}


def summary(rows: list[dict], tol: float = TOLERANCE) -> dict:
    """Per prediction: the points within tol of the network, and the median error
    over all, the AI, the mean-driven (index > 0) and the fluctuation-driven points
    (only points at >= RATE_CUT_HZ count)."""
    groups = {"all": lambda r: True, "ai": lambda r: r["asynchronous_irregular"],
              "not_ai": lambda r: not r["asynchronous_irregular"],
              "mean_driven": lambda r: (r["mean_driven_index"] or -1) > 0,
              "fluctuation_driven": lambda r: (r["mean_driven_index"] or -1) <= 0}
    active = [r for r in rows if r["rate_E_Hz"] >= RATE_CUT_HZ]
    out = {"tolerance": tol, "points": len(rows), "points_firing": len(active),
           "points_ai": sum(r["asynchronous_irregular"] for r in rows), "predictions": {}}
    for key, label in PREDICTORS.items():
        errs = {name: [r[f"{key}_rel_error"] for r in active if keep(r)]
                for name, keep in groups.items()}
        within = [r["point"] for r in active
                  if r[f"{key}_rel_error"] is not None and r[f"{key}_rel_error"] <= tol]
        out["predictions"][key] = {
            "label": label, "within_tolerance": within, "n_within": len(within),
            "n_within_ai": sum(1 for r in active if r["point"] in within
                               and r["asynchronous_irregular"]),
            "median_rel_error": {name: _median(e) for name, e in errs.items()},
            "n_points": {name: len(e) for name, e in errs.items()}}
    return out


def _median(errors) -> float | None:
    """Median, counting a missing prediction (no fixed point) as an infinite error."""
    if not errors:
        return None
    x = np.array([np.inf if e is None else e for e in errors], float)
    m = float(np.median(x))
    return m if math.isfinite(m) else None
