"""Workflow stage of the rate theory: derive W, W_ext, theta; calibrate the
fluctuation-aware f; predict open-loop and closed-loop rates; compare with NEST."""

from __future__ import annotations

import numpy as np
from . import openloop
from . import rate_theory as rt
from .fi import write_csv
from .io import read_json, write_json
from .params import build_model
from .spikes import read_spikes

COLUMNS = ("experiment", "condition", "population", "predicted_Hz_linear", "predicted_Hz_fluct",
           "simulated_Hz", "simulated_sem_Hz")


def _model(spec):
    return build_model(spec["model_file"], spec["model"], spec["overrides"], spec["mechanism"])


def derived_params(p: dict, model, base_spec: dict, fit_path: str) -> dict:
    """derived_params.json: W, W_ext, theta, f, and every input with unit and source."""
    net, syn = base_spec["network"], p["synapses"]
    inputs = []
    for b, s in syn.items():
        src = f"models/{base_spec['config']['network']['parameters']}.yaml (scaled 1/sqrt(K))"
        inputs += [
            {"name": f"K_{b}", "value": s["K"], "unit": "1", "source": "config network"},
            {"name": f"G_{b}", "value": s["G_nS"], "unit": "nS", "source": src},
            {"name": f"tau_{b}", "value": s["tau_ms"], "unit": "ms", "source": f"models/{model.name}.yaml"},
            {"name": f"E_rev_{b}", "value": s["E_rev_mV"], "unit": "mV", "source": f"models/{model.name}.yaml"},
            {"name": f"c_{b}", "value": s["c"], "unit": "1", "source": "synapse shape (1 exponential, e alpha)"},
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
        "binary_threshold_pA": [rt.binary_threshold(p["theta_pA"], row, w_ext)
                                for row, w_ext in zip(p["W_pC"], p["W_ext_pC"])],
        "f_linear": "beta [mu]_+ with beta from the deterministic f-I fit",
        "f_fluct": "rate at the momentary conductances averaged over their Gaussian "
                   "fluctuations (Campbell moments); exact LIF rate for integrate-and-fire "
                   "models, the derivation's beta [.]_+ for hh_cond_exp_traub",
        "formulas": {"W_ab": "K_b c_b G_b tau_b (E_b - v_theta - E_L)",
                     "W_ext": "K_ext c_e G_ext tau_e (E_ext - E_L - v_theta)",
                     "theta": "I_theta0 + g_L v_theta"},
        "inputs": inputs, "network": net, "neuron": model.summary(),
    }


def verification_rows(p, model, ol_rates, ext_stats) -> dict:
    rows = {c: [] for c in COLUMNS}

    def add(exp, cond, pop, lin, flu, sim, sem):
        for key, val in zip(COLUMNS, (exp, cond, pop, lin, flu, sim, sem)):
            rows[key].append(val)

    for k in range(len(ol_rates["condition"])):
        r = [ol_rates["r_E_Hz"][k], ol_rates["r_I_Hz"][k]]
        nu = ol_rates["nu_ext_Hz"][k]
        mu = rt.drive(p, r, nu)[0]
        cond = f"rE={r[0]:g};rI={r[1]:g};nu={nu:g}"
        add("open_loop", cond, "E", float(rt.f_linear(mu, p["beta_Hz_per_pA"])),
            rt.fluct_rate(model, p, r[0], r[1], nu), ol_rates["rate_Hz"][k],
            ol_rates["sem_Hz"][k])
    for st in sorted(ext_stats, key=lambda s: s["network"]["nu_ext_Hz"]):
        nu, I_ext = st["network"]["nu_ext_Hz"], st["network"]["I_ext_pA"]
        lin = rt.rest_fixed_point(rt.linear_fixed_points(p, nu, I_ext))
        flu = rt.rest_fixed_point(rt.fluct_fixed_points(p, model, nu, I_ext))
        for j, pop in enumerate(("E", "I")):
            s = st["populations"][pop]
            add("closed_loop", f"nu={nu:g}", pop, lin and lin["rates_Hz"][j],
                flu and flu["rates_Hz"][j], s["rate_Hz"], s["rate_sd_Hz"] / np.sqrt(s["n_neurons"]))
    return rows


def summary(rows: dict) -> dict:
    """Median and 90th-percentile relative error per f and experiment (simulated >= 1 Hz),
    and the median absolute error below 1 Hz."""
    out = {}
    exp = np.asarray(rows["experiment"])
    sim = np.asarray(rows["simulated_Hz"], float)
    for e in sorted(set(exp.tolist())):
        out[e] = {}
        for f in ("linear", "fluct"):
            pred = np.array([np.nan if v is None else v for v in rows[f"predicted_Hz_{f}"]], float)
            k = (exp == e) & (sim >= 1.0)
            rel = np.abs(pred[k] - sim[k]) / sim[k]
            low = (exp == e) & (sim < 1.0)
            out[e][f] = {
                "median_rel_error": float(np.nanmedian(rel)) if k.any() else None,
                "p90_rel_error": float(np.nanpercentile(rel, 90)) if k.any() else None,
                "n_above_1Hz": int(k.sum()),
                "median_abs_error_below_1Hz_Hz": float(np.nanmedian(np.abs(pred[low] - sim[low])))
                if low.any() else None,
                "n_below_1Hz": int(low.sum()),
            }
    return out


def run_theory(fit_path, base_spec_path, ol_spec_path, ol_spikes_path, ext_stats_paths,
               out: dict) -> dict:
    fit = read_json(fit_path)["deterministic"]
    base = read_json(base_spec_path)
    model = _model(base)
    p = rt.derive(model, base["derived"], base["network"], fit)
    derived = derived_params(p, model, base, str(fit_path))
    ol = read_json(ol_spec_path)
    senders, times, meta = read_spikes(ol_spikes_path)
    ol_rates = openloop.condition_rates(ol["table"], senders, times, meta["first_node_id"],
                                        ol["openloop"]["t_warmup_ms"], ol["duration_ms"])
    ext = [read_json(x) for x in ext_stats_paths]
    rows = verification_rows(p, model, ol_rates, ext)
    summ = summary(rows) | {"provenance": meta["provenance"]}
    write_json(out["derived"], derived | {"provenance": meta["provenance"]})
    write_csv(out["csv"], rows, COLUMNS)
    write_json(out["summary"], summ)
    curves = theory_curves(p, model, [s["network"]["nu_ext_Hz"] for s in ext])
    from . import plotting, theoryplots

    plotting.save(theoryplots.predicted_vs_simulated(rows, summ, model.name), *out["fig_scatter"])
    plotting.save(theoryplots.rates_vs_input(rows, curves, model.name), *out["fig_curves"])
    return summ


def theory_curves(p, model, nus) -> dict:
    """Stable fixed points from rest on a fine grid of external rates, for both f."""
    grid = np.linspace(0, max(nus) * 1.1, 45)
    lin, flu = [], []
    for nu in grid:
        a = rt.rest_fixed_point(rt.linear_fixed_points(p, nu))
        b = rt.rest_fixed_point(rt.fluct_fixed_points(p, model, nu))
        lin.append(np.nan if a is None else a["rates_Hz"][0])
        flu.append(np.nan if b is None else b["rates_Hz"][0])
    return {"nu_ext_Hz": grid, "linear": np.array(lin), "fluct": np.array(flu)}
