"""One row per map point: the network's statistics and the closed-loop error of every
rate prediction (pure functions; files in condrate.map.stage).

Predictions take nothing from the point's network run (condrate.theory.predictors): the
rate equations' stable fixed points with the point's synapses and drive ((iii)
calibrated on its own run of single neurons at the config's grid), and (iv) the map's
self-consistent single-neuron iteration. Errors are relative to the network's
excitatory rate, and undefined below RATE_CUT_HZ (a silent point has no relative
error); a missing prediction (no stable fixed point) is a failure, counted as such.
"""
# (map.json's note is the paragraph above, as written.) A two-model network (E and I
# neurons of different models) is predicted by the two-population form of each rate
# equation (condrate.theory.two_population, predictions_two) and (iv) by its pair loop
# (condrate.theory.selfconsistent_pair); its errors too are the E rate's.

from __future__ import annotations

import math

import numpy as np

from ..criteria import RATE_CUT_HZ
from ..theory import rate_model as rt
from ..theory.predictors import PREDICTORS as REGISTRY
from ..theory.verification import error_stats

PREDICTORS = {q.key: q.label for q in REGISTRY}
TOLERANCE = 0.10  # "within 10 %"
STATS = ("rate_E_Hz", "rate_I_Hz", "cv_isi", "fano", "chi", "correlation",
         "fraction_silent", "asynchronous_irregular", "mean_driven_index",
         "mean_driven_index_V_th")


def columns_of(axis_key: str = "g") -> list[str]:
    """map.csv's columns for a map family's axis (condrate.map.grid.AXES)."""
    return (["point", axis_key, "nu_ext_Hz", *STATS]
            + [f"{k}_Hz" for k in PREDICTORS] + [f"{k}_rel_error" for k in PREDICTORS]
            + ["selfconsistent_converged"])



def mean_driven_index(model, fit: dict, inputs: dict, I_ext_pA: float,
                      threshold_mV: float | None = None) -> float | None:
    """(mu - theta) / sigma of the free membrane potential, from the conductances the
    network's sampled neurons received (mean and temporal variance, nS, nS^2).

    In these networks tau_eff = C_m / g_total is short against the synaptic decay, so
    the free potential follows its momentary reversal potential
    mu(g) = (g_L E_L + g_e E_e + g_i E_i + I) / g_total; sigma is that potential's
    standard deviation to first order in the conductance fluctuations.

    theta: ``threshold_mV`` where given (the model's own V_th, for a neuron that has
    one: column mean_driven_index_V_th); otherwise the onset of the deterministic f-I
    fit at this total conductance, E_L + v_theta + I_theta0 / g_total (for every
    model: column mean_driven_index). For an integrate-and-fire neuron the two differ:
    the fit's onset lies below V_th where the curved f-I meets its threshold-linear fit
    (about 5 mV for glif_cond at network conductance).
    Positive: mean-driven; negative: fluctuation-driven. None without recordings."""
    if not inputs or "g_ex_var_nS2" not in inputs:
        return None
    ge, gi = inputs["g_ex_nS"], inputs["g_in_nS"]
    E_e, E_i = model.excitatory.E_rev_mV, model.inhibitory.E_rev_mV
    g0 = model.g_L_nS + ge + gi
    mu = (model.g_L_nS * model.E_L_mV + ge * E_e + gi * E_i + I_ext_pA) / g0
    sd = math.sqrt(inputs["g_ex_var_nS2"] * (E_e - mu) ** 2
                   + inputs["g_in_var_nS2"] * (E_i - mu) ** 2) / g0
    theta = (threshold_mV if threshold_mV is not None
             else model.E_L_mV + fit["v_theta_mV"] + fit["I_theta0_pA"] / g0)
    return float((mu - theta) / sd) if sd > 0 else None


def rel_error(predicted, simulated_Hz: float) -> float | None:
    """|predicted - simulated| / simulated; None below RATE_CUT_HZ or without a
    prediction (no stable fixed point)."""
    if predicted is None or simulated_Hz < RATE_CUT_HZ:
        return None
    return float(abs(predicted - simulated_Hz) / simulated_Hz)


def predictions(model, p: dict, nu: float, I_ext: float, calibration: dict,
                calibrated: bool = True) -> dict:
    """E rate (Hz) at the stable fixed point reached from rest, per prediction with a
    rate equation (None where it has none). ``calibrated``: whether the point's neurons
    are those the f-I fit and the calibration were made with; where not (another
    adaptation strength), the predictions that use them have none."""
    out = {}
    for q in REGISTRY:
        if q.fixed_points is not None and not calibrated and q.calibrated_for(model):
            out[q.key] = None
        elif q.fixed_points is not None:
            fp = rt.rest_fixed_point(q.fixed_points(p, model, nu, I_ext, calibration))
            out[q.key] = fp and float(fp["rates_Hz"][0])
    return out


def predictions_two(models: dict, p2: dict, nu: float, I_ext: float, calibrations: dict,
                    calibrated: bool = True) -> dict:
    """:func:`predictions` of a two-model network (E and I neurons of different models,
    condrate.theory.two_population): the E rate (Hz) at the stable fixed point reached
    from rest of every prediction with a two-population form (None where it has none or,
    not ``calibrated``, where it uses the E model's fit or calibration)."""
    out = {}
    for q in REGISTRY:
        fixed = q.two_population_fixed_points
        if q.fixed_points is None:
            continue
        if fixed is None or (not calibrated and q.calibrated_for(models["E"])):
            out[q.key] = None
        else:
            fp = rt.rest_fixed_point(fixed(p2, models, nu, I_ext, calibrations))
            out[q.key] = fp and float(fp["rates_Hz"][0])
    return out


def row(point: str, axis: tuple, stats: dict, model, fit: dict, predicted: dict,
        iterated: dict | None, calibrated: bool = True) -> dict:
    """The map row of one point (axis: (its key, the point's value); stats: its network
    stats.json; predicted: the rate equations' E rates, :func:`predictions` (a two-model
    network: :func:`predictions_two`); iterated: its self-consistent prediction, or None
    (a two-model network's: r* = [r_E, r_I]); calibrated: as in :func:`predictions`)."""
    net, pops = stats["network"], stats["populations"]
    E = pops["E"]
    out = {"point": point, axis[0]: axis[1], "nu_ext_Hz": net["nu_ext_Hz"],
           "rate_E_Hz": E["rate_Hz"], "rate_I_Hz": pops["I"]["rate_Hz"],
           "cv_isi": E["cv_isi"]["mean"], "fano": E["fano"]["mean"], "chi": E["chi"],
           "correlation": E["correlation"]["mean"], "fraction_silent": E["fraction_silent"],
           "asynchronous_irregular": bool(stats["ai_state"]["asynchronous_irregular"]),
           "mean_driven_index": mean_driven_index(model, fit, stats["inputs"].get("E"),
                                                  net["I_ext_pA"]),
           "mean_driven_index_V_th": None if model.threshold is None else mean_driven_index(
               model, fit, stats["inputs"].get("E"), net["I_ext_pA"], model.V_th_mV)}
    pred = dict(predicted)
    # not defined here (not a failure): left out of the summary's errors, not in map.csv
    out["undefined"] = [] if calibrated else [q.key for q in REGISTRY
                                              if q.fixed_points and q.calibrated_for(model)]
    # an r* the last ladder did not bracket is an extrapolation, never a prediction
    r_star = iterated and iterated["rate_Hz"]
    r_star = r_star[0] if isinstance(r_star, list) else r_star  # a pair loop's [r_E, r_I]
    pred["selfconsistent"] = r_star if iterated and iterated["bracketed"] else None
    for key in PREDICTORS:
        out[f"{key}_Hz"] = pred[key]
        out[f"{key}_rel_error"] = rel_error(pred[key], E["rate_Hz"])
    out["selfconsistent_converged"] = iterated and bool(iterated["converged"])
    return out


def columns(rows: list[dict], axis_key: str = "g") -> dict:
    """Rows to a column table (columns_of order)."""
    return {c: [r[c] for r in rows] for c in columns_of(axis_key)}


def summary(rows: list[dict], tol: float = TOLERANCE) -> dict:
    """Per prediction: the points within tol of the network, and the median error
    over all, the AI, the mean-driven (index > 0) and the fluctuation-driven points
    (only points at >= RATE_CUT_HZ count, and only where the prediction is defined:
    a row's ``undefined``)."""
    groups = {"all": lambda r: True, "ai": lambda r: r["asynchronous_irregular"],
              "not_ai": lambda r: not r["asynchronous_irregular"],
              "mean_driven": lambda r: (r["mean_driven_index"] or -1) > 0,
              "fluctuation_driven": lambda r: (r["mean_driven_index"] or -1) <= 0}
    active = [r for r in rows if r["rate_E_Hz"] >= RATE_CUT_HZ]
    out = {"tolerance": tol, "points": len(rows), "points_firing": len(active),
           "points_ai": sum(r["asynchronous_irregular"] for r in rows), "predictions": {}}
    converged = [r for r in active if r["selfconsistent_converged"]]
    out["points_selfconsistent_converged"] = len(converged)
    out["points_ai_selfconsistent_converged"] = sum(r["asynchronous_irregular"]
                                                    for r in converged)
    for key, label in PREDICTORS.items():
        errs = {name: [r[f"{key}_rel_error"] for r in active
                       if keep(r) and key not in r.get("undefined", ())]
                for name, keep in groups.items()}
        within = [r["point"] for r in active
                  if r[f"{key}_rel_error"] is not None and r[f"{key}_rel_error"] <= tol]
        stats = {name: error_stats(e) for name, e in errs.items()}
        out["predictions"][key] = {
            "label": label, "within_tolerance": within, "n_within": len(within),
            "n_within_ai": sum(1 for r in active if r["point"] in within
                               and r["asynchronous_irregular"]),
            "median_rel_error": {name: st["median_rel_error"] for name, st in stats.items()},
            "n_points": {name: st["n"] for name, st in stats.items()},
            "n_no_prediction": {name: st["n_no_prediction"] for name, st in stats.items()}}
        if key == "selfconsistent":  # judged only where the loop converged
            ok = [r for r in converged if r["point"] in within]
            out["predictions"][key] |= {
                "n_within_converged": len(ok),
                "n_within_ai_converged": sum(r["asynchronous_irregular"] for r in ok)}
    return out
