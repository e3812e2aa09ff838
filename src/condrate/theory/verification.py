"""The rate equations against NEST: predicted vs simulated rows per experiment, the
closed-loop diagnostics and the error summary. Pure functions on numbers already
read from the runs (theory.stage does the file I/O).

Every row of verification.csv: experiment, condition, population, the predictions of
the threshold-linear f (i), the fluctuation-aware f (ii), the semi-analytic f (iii)
and, in closed loop, the self-consistent iterated single neurons (iv) (None: no
finite prediction), and the simulated rate with its s.e.m.
"""

from __future__ import annotations

import numpy as np

from ..criteria import RATE_CUT_HZ, rate_bands
from ..io import none_to_nan
from . import feedback, semianalytic
from . import rate_model as rt
from .predictors import KEYS, PREDICTORS
from .transfer import conductance_moments

COLUMNS = ("experiment", "condition", "population", *(q.column for q in PREDICTORS),
           "simulated_Hz", "simulated_sem_Hz")


def derived_params(p: dict, model, base_spec: dict, fit_path: str,
                   binary_on_rate_Hz: float) -> dict:
    """derived_params.json: W, W_ext, theta, f, and every input with unit and source."""
    net, syn = base_spec["network"], p["synapses"]
    inputs = []
    for b, s in syn.items():
        src = f"models/{base_spec['config']['network']['parameters']}.yaml (scaled 1/sqrt(K))"
        inputs += [
            {"name": f"K_{b}", "value": s.K, "unit": "1", "source": "config network"},
            {"name": f"G_{b}", "value": s.G_nS, "unit": "nS", "source": src},
            {"name": f"tau_{b}", "value": s.tau_ms, "unit": "ms", "source": f"models/{model.name}.yaml"},
            {"name": f"E_rev_{b}", "value": s.E_rev_mV, "unit": "mV", "source": f"models/{model.name}.yaml"},
            {"name": f"c_{b}", "value": s.c, "unit": "1", "source": "synapse shape (1 exponential, e alpha)"},
        ]
    inputs += [
        {"name": "E_L", "value": model.E_L_mV, "unit": "mV", "source": f"models/{model.name}.yaml"},
        {"name": "g_L", "value": model.g_L_nS, "unit": "nS", "source": f"models/{model.name}.yaml"},
        {"name": "v_theta", "value": p["v_theta_mV"], "unit": "mV", "source": f"{fit_path} deterministic"},
        {"name": "I_theta0", "value": p["I_theta0_pA"], "unit": "pA", "source": f"{fit_path} deterministic"},
        {"name": "beta", "value": p["beta_Hz_per_pA"], "unit": "Hz/pA", "source": f"{fit_path} deterministic"},
    ]
    return {
        "W_pC": {"rows": "post E, I", "columns": "pre E, I", "value": p["W_pC"]},
        "W_ext_pC": p["W_ext_pC"], "theta_pA": p["theta_pA"],
        "binary_threshold": {
            "theta_prime_pA": [rt.binary_threshold(p["theta_pA"], row, w_ext, binary_on_rate_Hz,
                                                   net["nu_ext_Hz"])
                               for row, w_ext in zip(p["W_pC"], p["W_ext_pC"])],
            "on_rate_Hz": binary_on_rate_Hz, "ext_on_rate_Hz": net["nu_ext_Hz"],
            "formula": "2 theta - on_rate sum_j W_ij - ext_on_rate W_ext (eq. 11.39 with "
                       "rates on_rate (S + 1)/2)"},
        "f_linear": "beta [mu]_+ with beta from the deterministic f-I fit",
        "f_fluct": "rate at the momentary conductances averaged over their Gaussian "
                   "fluctuations (Campbell moments); exact LIF rate for integrate-and-fire "
                   "models, the derivation's beta [.]_+ for hh_cond_exp_traub",
        "formulas": {"W_ab": "K_b c_b G_b tau_b (E_b - v_theta - E_L)",
                     "W_ext": "K_ext c_e G_ext tau_e (E_ext - E_L - v_theta)",
                     "theta": "I_theta0 + g_L v_theta"},
        "inputs": inputs, "network": net, "neuron": model.summary(),
    }


FEEDBACK_COLUMNS = ("loop_gain", "rate_in_Hz", "rate_out_Hz", "rate_out_sem_Hz",
                    "predicted_Hz_linear", "predicted_Hz_fluct")


def closed_loop_condition(nu_ext_Hz: float) -> str:
    """The condition of a closed-loop row: the network's external rate (Hz)."""
    return f"nu={nu_ext_Hz:g}"


def closed_loop_nu(condition: str) -> float:
    """The external rate (Hz) of a closed-loop row's condition (closed_loop_condition)."""
    return float(condition.split("=")[1])


def add_row(rows: dict, *values, columns=COLUMNS) -> None:
    for key, val in zip(columns, values):
        rows[key].append(val)


def add_prediction_row(rows: dict, experiment: str, condition: str, population: str,
                       predicted: dict, simulated, sem) -> None:
    """One verification row; ``predicted`` maps a predictor's key to its rate (Hz), a
    predictor it leaves out predicts nothing here (None)."""
    values = {"experiment": experiment, "condition": condition, "population": population,
              "simulated_Hz": simulated, "simulated_sem_Hz": sem}
    for key, rate in predicted.items():
        column = f"predicted_Hz_{key}"
        if column not in rows:
            raise KeyError(f"{key} is not a registered prediction ({', '.join(KEYS)})")
        values[column] = rate
    for column in rows:
        rows[column].append(values.get(column))


def empty_rows() -> dict:
    return {c: [] for c in COLUMNS}


def calibrate(p, model, ol_rates, band_Hz) -> dict:
    """Fit the semi-analytic f (iii) on the calibration run's conditions (set
    "calibration", never judged); the record lists them with the fitted rates."""
    k = [i for i, s in enumerate(ol_rates["set"]) if s == "calibration"]
    moments = [semianalytic.membrane_moments(model, rt.sources(
        p, ol_rates["r_E_Hz"][i], ol_rates["r_I_Hz"][i], ol_rates["nu_ext_Hz"][i])) for i in k]
    rates = [ol_rates["rate_Hz"][i] for i in k]
    cal = semianalytic.fit(moments, rates, band_Hz, model.t_ref_ms or 0.0)
    fitted = [semianalytic.rate_Hz(m, cal) for m in moments]
    return cal | {"conditions": {key: [ol_rates[key][i] for i in k]
                                 for key in ("r_E_Hz", "r_I_Hz", "nu_ext_Hz", "rate_Hz")}
                  | {"fitted_Hz": fitted, "membrane": moments},
                  "note": "fitted on single unconnected neurons at these conditions only, a "
                          "grid the config fixes; verification.csv judges it on others"}


def openloop_rows(p, model, ol_rates, cal: dict) -> dict:
    """Open loop: each judged condition (r_E, r_I, nu_ext) of unconnected neurons."""
    rows = empty_rows()
    for k in range(len(ol_rates["condition"])):
        r = [ol_rates["r_E_Hz"][k], ol_rates["r_I_Hz"][k]]
        nu = ol_rates["nu_ext_Hz"][k]
        mu = rt.drive(p, r, nu)[0]
        cond = f"rE={r[0]:g};rI={r[1]:g};nu={nu:g}"
        if ol_rates["set"][k] != "grid":
            cond += f";{ol_rates['set'][k]}"
        predicted = {q.key: q.open_loop_rate(p, model, r[0], r[1], nu, cal)
                     for q in PREDICTORS if q.open_loop_rate is not None}
        add_prediction_row(rows, "open_loop", cond, "E", predicted, ol_rates["rate_Hz"][k],
                           ol_rates["sem_Hz"][k])
    return rows


def closed_loop_predictions(p, model, runs: list[dict], cal: dict,
                            selfconsistent: list[dict]) -> dict:
    """Every prediction of the E/I network's rates over the external-rate sweep, from
    the rate model, the calibration and the self-consistent generations alone (nothing
    of the network runs): per predictor with fixed points, the stable fixed point
    reached from rest ([r_E, r_I] Hz, None where there is none); (iv) r* per external
    rate. runs: {nu_ext_Hz, I_ext_pA} of each network run of the sweep (from its spec)."""
    # an r* the last ladder did not bracket is an extrapolation, never a prediction
    iterated = {q["nu_ext_Hz"]: q["rate_Hz"] for q in selfconsistent if q["bracketed"]}
    out = {"nu_ext_Hz": [], "I_ext_pA": [], "rates_Hz": {q.key: [] for q in PREDICTORS}}
    for run in sorted(runs, key=lambda r: r["nu_ext_Hz"]):
        nu, I_ext = run["nu_ext_Hz"], run["I_ext_pA"]
        out["nu_ext_Hz"].append(nu)
        out["I_ext_pA"].append(I_ext)
        for q in PREDICTORS:
            if q.fixed_points is not None:
                point = rt.rest_fixed_point(q.fixed_points(p, model, nu, I_ext, cal))
                rates = point and point["rates_Hz"]
            else:  # the self-consistent loop: one rate for E and I (one population)
                r = iterated.get(nu)
                rates = None if r is None else [r, r]
            out["rates_Hz"][q.key].append(None if rates is None else [float(x) for x in rates])
    return out


def two_population_predictions(p2: dict, models: dict, runs: list[dict],
                               calibrations: dict, selfconsistent: list[dict]) -> dict:
    """closed_loop_predictions of a two-model network (theory.two_population): per
    predictor with a two-population form, the stable fixed point reached from rest
    ([r_E, r_I] Hz, None where there is none); the self-consistent loop (iv) its pair
    loop's r* = [r_E, r_I] where its last grid bracketed it (selfconsistent_pair), and
    whether its loop converged there (selfconsistent_converged); a predictor without
    either predicts nothing (None), its reason under ``missing``.
    Nothing of the network runs: runs are {nu_ext_Hz, I_ext_pA} from their specs;
    calibrations: (iii)'s per population {"E": ..., "I": ...}."""
    iterated = {q["nu_ext_Hz"]: q["rate_Hz"] for q in selfconsistent if q["bracketed"]}
    converged = {q["nu_ext_Hz"]: q["converged"] for q in selfconsistent}
    out = {"nu_ext_Hz": [], "I_ext_pA": [], "rates_Hz": {q.key: [] for q in PREDICTORS},
           "selfconsistent_converged": [],
           "missing": {q.key: q.two_population_missing for q in PREDICTORS
                       if q.two_population_fixed_points is None and q.fixed_points is not None}}
    for run in sorted(runs, key=lambda r: r["nu_ext_Hz"]):
        nu, I_ext = run["nu_ext_Hz"], run["I_ext_pA"]
        out["nu_ext_Hz"].append(nu)
        out["I_ext_pA"].append(I_ext)
        out["selfconsistent_converged"].append(converged.get(nu, False))
        for q in PREDICTORS:
            fixed = q.two_population_fixed_points
            if fixed is not None:
                point = rt.rest_fixed_point(fixed(p2, models, nu, I_ext, calibrations))
                rates = point and point["rates_Hz"]
            elif q.fixed_points is None:  # the self-consistent loop: its pair's r*
                rates = iterated.get(nu)
            else:
                rates = None
            out["rates_Hz"][q.key].append(None if rates is None else [float(x) for x in rates])
    return out


def closedloop_rows(predictions: dict, ext_stats) -> dict:
    """Closed loop: the network over the external-rate sweep against each prediction
    (closed_loop_predictions) at the same external rate."""
    index = {nu: i for i, nu in enumerate(predictions["nu_ext_Hz"])}
    rows = empty_rows()
    for st in sorted(ext_stats, key=lambda s: s["network"]["nu_ext_Hz"]):
        nu = st["network"]["nu_ext_Hz"]
        i = index[nu]
        for j, pop in enumerate(("E", "I")):
            s = st["populations"][pop]
            predicted = {key: rates[i] and rates[i][j]
                         for key, rates in predictions["rates_Hz"].items()}
            add_prediction_row(rows, "closed_loop", closed_loop_condition(nu), pop, predicted,
                               s["rate_Hz"], s["rate_sd_Hz"] / np.sqrt(s["n_neurons"]))
    return rows


def closed_loop_diagnostics(p, model, ext_stats) -> dict:
    """Why f (ii) misses in closed loop: the recurrent inputs are not Poisson.

    Per external rate: the sampled neurons' temporal conductance variance over
    Campbell's (Poisson) variance at the simulated rates; f (ii) evaluated at the
    simulated rates with Poisson and with the measured variance (recurrent part scaled
    to match; the external input stays Poisson); and the fixed point of f (ii) with the
    recurrent variances scaled by the network's measured Fano factors. This is a
    diagnostic, not a prediction: it takes second-order statistics from NEST."""
    runs, rel = [], []
    for st in sorted(ext_stats, key=lambda s: s["network"]["nu_ext_Hz"]):
        nu, I_ext = st["network"]["nu_ext_Hz"], st["network"]["I_ext_pA"]
        pops = st["populations"]
        r_E, r_I = pops["E"]["rate_Hz"], pops["I"]["rate_Hz"]
        fano = (pops["E"]["fano"]["mean"], pops["I"]["fano"]["mean"])
        # Campbell variance per input stream: recurrent E, recurrent I, external (E)
        v_E, v_I, v_x = (conductance_moments([s])[s[0].kind][1]
                         for s in rt.sources(p, r_E, r_I, nu))
        inp = st.get("inputs", {}).get("E", {})
        ratio, at_sim = {}, {"poisson": rt.fluct_rate(model, p, r_E, r_I, nu, I_ext,
                                                          own_rate_Hz=r_E)}
        if "g_ex_var_nS2" in inp and v_E > 0 and v_I > 0:
            ratio = {"excitatory": inp["g_ex_var_nS2"] / (v_E + v_x),
                     "inhibitory": inp["g_in_var_nS2"] / v_I}
            scale = ((inp["g_ex_var_nS2"] - v_x) / v_E, inp["g_in_var_nS2"] / v_I)
            at_sim["measured_variance"] = rt.fluct_rate(model, p, r_E, r_I, nu, I_ext, scale,
                                                        own_rate_Hz=r_E)
        fp = rt.rest_fixed_point(rt.fluct_fixed_points(p, model, nu, I_ext, fano=fano))
        pred = fp and fp["rates_Hz"][0]
        for q in ("E", "I"):
            if pred is not None and pops[q]["rate_Hz"] >= RATE_CUT_HZ:
                rel.append(abs(pred - pops[q]["rate_Hz"]) / pops[q]["rate_Hz"])
        runs.append({"nu_ext_Hz": nu, "fano_E": fano[0], "fano_I": fano[1],
                     "conductance_variance_over_poisson": ratio,
                     "f_fluct_at_simulated_rates_Hz": at_sim,
                     "predicted_Hz_fluct_fano": pred,
                     "simulated_Hz": [r_E, r_I]})
    return {"runs": runs, "fluct_fano_median_rel_error": float(np.median(rel)) if rel else None,
            "note": closed_loop_diagnostics.__doc__.split("\n\n")[1].strip()}


def selfconsistent_check(selfconsistent: list[dict], ext_stats) -> dict:
    """The self-consistent single neurons (iv) against the network at every external
    rate: rate, ISI CV and Fano factor (the network's E and I means; the theory has one
    population), relative errors and convergence."""
    by_nu = {s["network"]["nu_ext_Hz"]: s["populations"] for s in ext_stats}
    runs, rel = [], {"rate": [], "cv_isi": [], "fano": []}
    for q in selfconsistent:
        pops = by_nu.get(q["nu_ext_Hz"])
        if pops is None:
            continue
        net = {"rate": [pops[x]["rate_Hz"] for x in ("E", "I")],
               "cv_isi": [pops[x]["cv_isi"]["mean"] for x in ("E", "I")],
               "fano": [pops[x]["fano"]["mean"] for x in ("E", "I")]}
        pred = {"rate": q["rate_Hz"], "cv_isi": q["cv_isi"], "fano": q["fano"]}
        err = {}
        for key, sims in net.items():
            err[key] = [None if pred[key] is None or not s else abs(pred[key] - s) / s
                        for s in sims]
            rel[key] += [e for e in err[key] if e is not None]
        runs.append({"nu_ext_Hz": q["nu_ext_Hz"], "predicted": pred | {
            "rate_interval_Hz": q["rate_interval_Hz"]}, "network_E_I": net,
            "rel_error_E_I": err, "converged": q["converged"],
            "generations": len(q["history"])})
    return {"runs": runs,
            "median_rel_error": {k: float(np.median(v)) if v else None for k, v in rel.items()},
            "all_converged": all(r["converged"] for r in runs)}


def uniform_feedback(model, p: dict, spec: dict, m: dict):
    """Uniform-feedback check: its verification rows, the open-loop F(r) table and a
    record per loop gain (design, predictions, measured rates).
    p: rate_model.derive output (its beta, theta and v_theta are used);
    m: feedback.measured_rates of the run."""
    c, gains = spec["feedback"], spec["gains"]
    rows = empty_rows()
    closed = m["closed"]
    table = {k: [] for k in FEEDBACK_COLUMNS}
    records = []
    for g, gain in enumerate(gains):
        pr = feedback.predictions(p, model, c, gain)
        thr, thr_sem = feedback.threshold_crossing(m["rates_in_Hz"], m["open_rate_Hz"][g],
                                                   m["open_sem_Hz"][g])
        cond = f"gain={gain['loop_gain']:g}"
        # (iii) is calibrated on the E/I network's synapses only, (iv) iterates the E/I
        # network only: no feedback prediction from either
        add_prediction_row(rows, "uniform_feedback", f"{cond};threshold", "E",
                           {"linear": pr["threshold_linear_Hz"],
                            "fluct": pr["threshold_fluct_Hz"]}, thr, thr_sem)
        for window in ("during_kick", "after_kick"):
            add_prediction_row(rows, "uniform_feedback", f"{cond};{window}", "E",
                               {"linear": pr[f"{window}_linear_Hz"],
                                "fluct": pr[f"{window}_fluct_Hz"]},
                               closed[window]["rate_Hz"][g], closed[window]["sem_Hz"][g])
        for j, r in enumerate(m["rates_in_Hz"]):
            add_row(table, gain["loop_gain"], r, m["open_rate_Hz"][g][j], m["open_sem_Hz"][g][j],
                    pr["F_linear"](r), pr["F_fluct"](r), columns=FEEDBACK_COLUMNS)
        records.append(gain | {k: v for k, v in pr.items() if not k.startswith("F_")}
                       | {"simulated_threshold_Hz": thr, "simulated_threshold_sem_Hz": thr_sem}
                       | {f"closed_loop_{w}_Hz": closed[w]["rate_Hz"][g] for w in closed})
    return rows, table, records


def feedback_curves(model, p: dict, c: dict, n: int = 30) -> dict:
    """Theory branches over a fine grid of loop gains: the linear r_o, the fluctuation-
    aware threshold and its upper stable state (NaN where there is none)."""
    grid = np.geomspace(min(c["loop_gain"]) / 1.5, max(c["loop_gain"]) * 1.5, n)
    out = {"loop_gain": grid, "linear": [], "fluct_threshold": [], "fluct_upper": []}
    for gain in feedback.design(c | {"loop_gain": grid.tolist()}, model, p):
        pts = rt.fluct_fixed_points(feedback.feedback_params(p, model, c, gain), model, 0.0)
        upper = [q["rates_Hz"][0] for q in pts if q["stable"] and q["rates_Hz"][0] > 0]
        out["linear"].append(gain["r_o_linear_Hz"] or np.nan)
        out["fluct_threshold"].append(feedback.threshold_root(pts) or np.nan)
        out["fluct_upper"].append(max(upper) if upper else np.nan)
    return out


def error_stats(rel) -> dict:
    """Median and 90th percentile of relative errors, where a missing error (None or
    NaN: no stable fixed point, a runaway) counts as a failure, an infinite error: it
    is never dropped from a median. A statistic that lands on a failure is None. n
    counts every point, n_no_prediction the failures among them."""
    x = np.array([np.inf if e is None or not np.isfinite(e) else e for e in rel], float)

    def stat(value):
        return float(value) if np.isfinite(value) else None

    with np.errstate(invalid="ignore"):  # a percentile between two failures: NaN -> None
        return {"median_rel_error": stat(np.median(x)) if x.size else None,
                "p90_rel_error": stat(np.percentile(x, 90)) if x.size else None,
                "n": int(x.size), "n_no_prediction": int(np.isinf(x).sum())}


def _rel_stats(pred, sim) -> dict:
    """error_stats of |pred - sim| / sim."""
    return error_stats(np.abs(pred - sim) / sim)


def summary(rows: dict, t_ref_ms: float | None) -> dict:
    """Errors per experiment and f, by rate band of the simulated rate (criteria.
    rate_bands): median and 90th-percentile relative error in each band (the 1-50 Hz
    band is the headline), the median absolute error below RATE_CUT_HZ, and over all
    points >= RATE_CUT_HZ (median_rel_error, p90_rel_error) for comparison. For the
    open loop also the error at the network's own operating point."""
    out = {}
    exp, cond = np.asarray(rows["experiment"]), np.asarray(rows["condition"])
    sim = none_to_nan(rows["simulated_Hz"])
    bands = rate_bands(t_ref_ms)
    for e in sorted(set(exp.tolist())):
        out[e] = {}
        for q in PREDICTORS:
            f = q.key
            pred = none_to_nan(rows[q.column])
            if e not in q.experiments or not np.isfinite(pred[exp == e]).any():
                continue  # no prediction of this f for this experiment
            k = (exp == e) & (sim >= RATE_CUT_HZ)
            low = (exp == e) & (sim < RATE_CUT_HZ) & np.isfinite(pred)
            overall = _rel_stats(pred[k], sim[k])
            out[e][f] = {
                "median_rel_error": overall["median_rel_error"],
                "p90_rel_error": overall["p90_rel_error"],
                "n_above_1Hz": int(k.sum()),
                "n_no_prediction_above_1Hz": overall["n_no_prediction"],
                "median_abs_error_below_1Hz_Hz": float(np.median(np.abs(pred[low] - sim[low])))
                if low.any() else None,
                "n_below_1Hz": int(((exp == e) & (sim < RATE_CUT_HZ)).sum()),
                "bands": {name: _rel_stats(pred[m], sim[m])
                          | {"range_Hz": [lo, None if np.isinf(hi) else hi]}
                          for name, (lo, hi) in bands.items()
                          for m in [(exp == e) & (sim >= lo) & (sim < hi)]},
            }
            op = (exp == e) & np.char.endswith(cond.astype(str), ";operating_point")
            if op.any():
                i = int(np.flatnonzero(op)[0])
                out[e][f]["operating_point"] = {
                    "condition": str(cond[i]), "simulated_Hz": float(sim[i]),
                    "predicted_Hz": None if not np.isfinite(pred[i]) else float(pred[i])}
    return out


def converged_only(rows: dict, check: dict, t_ref_ms: float | None) -> dict | None:
    """The self-consistent prediction (iv) judged where its loop converged: summary()'s
    closed-loop statistics of (iv) over the external rates whose loop converged, with
    the converged count (check: selfconsistent_check)."""
    runs = check.get("runs", [])
    if not runs:
        return None
    converged = {closed_loop_condition(r["nu_ext_Hz"]) for r in runs if r["converged"]}
    keep = [i for i, (e, c) in enumerate(zip(rows["experiment"], rows["condition"]))
            if e == "closed_loop" and c in converged]
    stats = summary({c: [rows[c][i] for i in keep] for c in COLUMNS}, t_ref_ms)
    return {"converged": len(converged), "n": len(runs),
            "errors": stats.get("closed_loop", {}).get("selfconsistent")}


def theory_curves(p, model, nus, cal: dict) -> dict:
    """Stable fixed points from rest on a fine grid of external rates, for each
    prediction with a rate equation."""
    grid = np.linspace(0, max(nus) * 1.1, 45)
    out = {"nu_ext_Hz": grid}
    for q in PREDICTORS:
        if q.fixed_points is None:
            continue
        rest = [rt.rest_fixed_point(q.fixed_points(p, model, nu, 0.0, cal)) for nu in grid]
        out[q.key] = np.array([np.nan if x is None else x["rates_Hz"][0] for x in rest])
    return out


def merge_rows(*parts: dict) -> dict:
    """The verification rows of several experiments, in the given order."""
    return {c: [v for part in parts for v in part[c]] for c in COLUMNS}
