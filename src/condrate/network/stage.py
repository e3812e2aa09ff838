"""Entry points of the network stage: statistics, balanced-state sweeps, figures."""

from __future__ import annotations

import numpy as np

from ..criteria import AI_CRITERIA
from ..io import read_csv, read_json, write_csv, write_json
from ..nestrun.spikes import read_state
from ..params import model_from_spec
from ..spiketrains import SpikeTrains
from ..synapses import network_inputs
from . import balance, stats
from .experiment import population_models


def network_stats(spec: dict, spikes: SpikeTrains, state: dict | None) -> dict:
    """stats.json content: per population statistics, input currents, AI verdict.

    state: the multimeter columns (nestrun.spikes.read_state) or None."""
    net = spec["network"]
    n_total = net["N_E"] + net["N_I"]
    members = {"E": np.arange(net["N_E"]), "I": np.arange(net["N_E"], n_total)}
    idx, times, first_id = spikes.index, spikes.times_ms, spikes.meta["first_node_id"]
    s = spec["config"]["network"]["stats"]
    t0, t1 = float(net["t_warmup_ms"]), float(net["t_sim_ms"])
    pops = {p: stats.population_stats(idx, times, m, t0, t1, s, n_total) for p, m in members.items()}
    out = {"model": spec["model"], "run": spec["run"], "network": net, "derived": spec["derived"],
           "window_ms": [t0, t1], "populations": pops}
    if state is not None:
        models = population_models(spec)
        model = models["E"]
        keep = state["time_ms"] >= t0
        is_E = (state["sender"] - first_id) < net["N_E"]
        out["inputs"] = {}
        for p, sel in (("E", keep & is_E), ("I", keep & ~is_E)):
            cols, m = {k: v[sel] for k, v in state.items()}, models[p]
            out["inputs"][p] = stats.input_currents(
                cols, m.excitatory.E_rev_mV, m.inhibitory.E_rev_mV,
                m.excitatory.recordable, m.inhibitory.recordable, m.membrane_potential)
        g_tot = model.g_L_nS + out["inputs"]["E"]["g_ex_nS"] + out["inputs"]["E"]["g_in_nS"]
        out["tau_m_ms"] = model.C_m_pF / model.g_L_nS
        out["tau_eff_ms"] = model.C_m_pF / g_tot
    checks = {}
    for p, v in pops.items():
        checks[p] = {
            "cv_isi": v["cv_isi"]["mean"] is not None and v["cv_isi"]["mean"] >= AI_CRITERIA["cv_isi_min"],
            "correlation": v["correlation"]["mean"] is not None
            and v["correlation"]["mean"] <= AI_CRITERIA["correlation_max"],
            "chi": v["chi"] <= AI_CRITERIA["chi_max"],
            "stationary": v["stationary"],
        }
    out["ai_state"] = {"criteria": AI_CRITERIA, "checks": checks,
                       "asynchronous_irregular": all(all(c.values()) for c in checks.values())}
    return out


def write_network_stats(spec, spikes, sim, stats) -> dict:
    trains = SpikeTrains.read(spikes)
    result = network_stats(read_json(spec), trains, read_state(sim))
    result["provenance"] = trains.meta["provenance"]
    write_json(stats, result)
    return {"asynchronous_irregular": result["ai_state"]}


def ext_sweep(stats_list: list[dict], spec: dict) -> tuple[dict, dict]:
    """Rate vs external rate, with the balance-equation prediction at V_th and at <V_m>.

    The balance equation here is one population's, at r_E = r_I: a two-model network
    (E and I of different models, r_E != r_I) gets no prediction (None)."""
    model = model_from_spec(spec)
    one_model = "inhibitory" not in spec
    rows = {k: [] for k in ("nu_ext_Hz", "population", "rate_Hz", "cv_isi", "chi",
                            "predicted_Hz_V_th", "predicted_Hz_V_mean", "V_m_mean_mV")}
    for st in sorted(stats_list, key=lambda x: x["network"]["nu_ext_Hz"]):
        net, d = st["network"], st["derived"]
        for p in ("E", "I"):
            V_mean = st["inputs"][p]["V_m_mean_mV"]
            rows["nu_ext_Hz"].append(net["nu_ext_Hz"])
            rows["population"].append(p)
            rows["rate_Hz"].append(st["populations"][p]["rate_Hz"])
            rows["cv_isi"].append(st["populations"][p]["cv_isi"]["mean"])
            rows["chi"].append(st["populations"][p]["chi"])
            rows["V_m_mean_mV"].append(V_mean)
            for key, V in (("predicted_Hz_V_th", model.V_th_mV), ("predicted_Hz_V_mean", V_mean)):
                rows[key].append(None if V is None or not one_model else balance.balance_rate(
                    network_inputs(model, d, net), net["I_ext_pA"], model.g_L_nS,
                    model.E_L_mV, V, net["nu_ext_Hz"]))
    summary = {}
    nu, pop = np.asarray(rows["nu_ext_Hz"]), np.asarray(rows["population"])
    for p in ("E", "I"):
        k = pop == p
        fit = balance.linear_fit(nu[k], np.asarray(rows["rate_Hz"])[k])
        for key in ("predicted_Hz_V_th", "predicted_Hz_V_mean"):
            y = np.asarray(rows[key], dtype=object)[k]
            if all(v is not None for v in y):
                fit[f"slope_{key}"] = balance.linear_fit(nu[k], y.astype(float))["slope"]
        summary[p] = fit
    return rows, summary


def write_ext_sweep(stats_paths, spec_path, out_csv, out_json) -> None:
    rows, summary = ext_sweep([read_json(p) for p in stats_paths], read_json(spec_path))
    write_csv(out_csv, rows, list(rows))
    write_json(out_json, summary)


def write_step_response(spec_path, spikes_path, stats_path, out_csv, out_json) -> None:
    spec, st = read_json(spec_path), read_json(stats_path)
    net = spec["network"]
    times = SpikeTrains.read(spikes_path).times_ms
    ups, _ = balance.step_times(net["step"], net["t_sim_ms"])
    r = balance.averaged_step_response(times, net["N_E"] + net["N_I"], ups, net["step"]["period_ms"])
    write_csv(out_csv, {"t_ms": r["t_ms"].tolist(), "rate_Hz": r["rate_Hz"].tolist(),
                        "smooth_Hz": r["smooth_Hz"].tolist()}, ["t_ms", "rate_Hz", "smooth_Hz"])
    keys = ("rate_before_Hz", "rate_after_Hz", "response_time_ms", "n_steps")
    write_json(out_json, {k: r[k] for k in keys}
               | {"tau_m_ms": st["tau_m_ms"], "tau_eff_ms": st["tau_eff_ms"], "step": net["step"],
                  "nu_ext_before_Hz": net["nu_ext_Hz"]})


def k_scaling(stats_list: list[dict]) -> dict:
    cols = ("K_E", "population", "I_ex_pA", "I_in_pA", "I_total_pA", "I_total_sd_pA",
            "V_m_mean_mV", "V_m_sd_mV", "rate_Hz", "cv_isi")
    rows = {k: [] for k in cols}
    for st in sorted(stats_list, key=lambda x: x["network"]["K_E"]):
        for p in ("E", "I"):
            inp, pop = st["inputs"][p], st["populations"][p]
            rows["K_E"].append(st["network"]["K_E"])
            rows["population"].append(p)
            for k in cols[2:8]:
                rows[k].append(inp[k])
            rows["rate_Hz"].append(pop["rate_Hz"])
            rows["cv_isi"].append(pop["cv_isi"]["mean"])
    return rows


def write_k_scaling(stats_paths, out_csv) -> None:
    rows = k_scaling([read_json(p) for p in stats_paths])
    write_csv(out_csv, rows, list(rows))


def plot_activity(spikes, stats, model, run, figure) -> None:
    from ..plotstyle import save  # matplotlib: only the figure rules import it
    from . import plots

    fig = plots.activity_figure(SpikeTrains.read(spikes), read_json(stats), f"{model} {run}")
    save(fig, *figure)


def plot_sweeps(ext_csv, ext_json, step_csv, step_json, k_csv, model, pdfs, pngs) -> None:
    from ..plotstyle import save
    from . import plots

    figs = [plots.ext_sweep_figure(read_csv(ext_csv), read_json(ext_json), model),
            plots.step_figure(read_csv(step_csv), read_json(step_json), model),
            plots.k_scaling_figure(read_csv(k_csv), model)]
    for fig, pdf, png in zip(figs, pdfs, pngs):
        save(fig, pdf, png)


def write_balanced_state(ext, base_spec, k, step_spec, step_spikes, step_stats, ext_csv,
                         ext_json, step_csv, step_json, k_csv, figure, model) -> None:
    """The three balanced-state experiments and their figures (ext, step, K)."""
    (base_spec,), (step_spec,), (step_spikes,), (step_stats,) = (
        base_spec, step_spec, step_spikes, step_stats)
    write_ext_sweep(ext, base_spec, ext_csv, ext_json)
    write_step_response(step_spec, step_spikes, step_stats, step_csv, step_json)
    write_k_scaling(k, k_csv)
    plot_sweeps(ext_csv, ext_json, step_csv, step_json, k_csv, model, *figure)
