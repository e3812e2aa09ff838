"""One composed figure per claim (print sizes, panel letters; numbers go in captions).

Each function takes data already read (per model, in the order the models are drawn)
and returns a matplotlib figure; condrate.paper.stage reads the files and saves.
Times in ms, rates in Hz, currents in pA, conductances in nS.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from ..fi.plots import draw_fi_curves
from ..io import none_to_nan
from ..network.plots import draw_population_histograms, draw_raster, window_rates_cv
from ..plotstyle import BLACK, BLUE, GREEN, MODEL, ORANGE, PURPLE, VERMILLION, plt
from ..theory.plots import band_error, draw_step_dynamics
from ..theory.predictors import BY_KEY as PREDICTOR, PREDICTORS
from ..theory.verification import closed_loop_nu
from .layout import letter, letters, new_figure, styled

MARKERS = ("o", "s", "^", "D")


def _model_colour(model: str, i: int):
    return MODEL.get(model, plt.rcParams["axes.prop_cycle"].by_key()["color"][i])


@styled
def threshold_shift(fi: dict):
    """f-I curves of every model under added conductance (one panel each, deterministic
    input) and the threshold current I_theta0 + v_theta g_L^total against g_L^total
    (rheobase points, joint-fit lines), with v_theta under both kinds of input.
    fi: model -> (curves table, threshold_fit.json)."""
    models = list(fi)
    fig = new_figure("double", 115)
    gs = fig.add_gridspec(2, max(len(models), 2))
    top = [fig.add_subplot(gs[0, j]) for j in range(len(models))]
    for ax, m in zip(top, models):
        curves, fit = fi[m]
        draw_fi_curves(ax, curves, fit["deterministic"], "deterministic")
        ax.set_title(m)
        ax.legend(title="g$_L^{total}$", loc="upper left", markerscale=2, handlelength=0.8,
                  borderaxespad=0.0, labelspacing=0.2)
    letters(top)
    ncols = max(len(models), 2)
    ax = fig.add_subplot(gs[1, :ncols - 1])
    bx = fig.add_subplot(gs[1, ncols - 1:])
    for i, m in enumerate(models):
        f = fi[m][1]["deterministic"]
        col, g = _model_colour(m, i), np.asarray(f["g_total_nS"], float)
        ax.plot(g, none_to_nan(f["rheobase_pA"]), MARKERS[i % 4], color=col, label=m)
        ax.plot(g, f["I_theta0_pA"] + f["v_theta_mV"] * g, "-", color=col, lw=0.8)
    ax.set_xlabel("total membrane conductance g$_L^{total}$ (nS)")
    ax.set_ylabel("threshold current (pA)")
    ax.legend(loc="upper left")
    width = 0.38
    for j, (cond, hatch) in enumerate((("deterministic", None), ("noisy", "////"))):
        for i, m in enumerate(models):
            f = fi[m][1].get(cond)
            if f is None:
                continue
            lo, hi = f["v_theta_interval_mV"]
            bx.bar(i + (j - 0.5) * width, f["v_theta_mV"], width, color=_model_colour(m, i),
                   hatch=hatch, edgecolor="white", lw=0.0,
                   yerr=[[f["v_theta_mV"] - lo], [hi - f["v_theta_mV"]]],
                   error_kw={"lw": 0.6, "capsize": 1.5})
    kinds = [Patch(facecolor="0.5", label="deterministic"),
             Patch(facecolor="0.5", hatch="////", edgecolor="white", label="noisy (Poisson E/I)")]
    bx.set_xticks(range(len(models)), [m.replace("_", "_\n", 1) for m in models])
    bx.set_ylim(0, 1.3 * bx.get_ylim()[1])
    bx.set_ylabel("v$_\\theta$ (mV)")
    bx.legend(handles=kinds, loc="upper left")
    letters([ax, bx], start=chr(ord("A") + len(models)))
    return fig


@styled
def network(runs: dict, window_ms: float = 300.0):
    """The balanced network of every model, one column each: raster of the last
    ``window_ms`` of the run, per-neuron rates and ISI CVs of the analysed window, and
    the mean input currents of E neurons (excitatory, inhibitory, total +- s.d.).
    runs: model -> (SpikeTrains, stats.json)."""
    models = list(runs)
    fig = new_figure("double", 150)
    gs = fig.add_gridspec(4, len(models), height_ratios=[1.6, 1, 1, 1])
    rows = [[fig.add_subplot(gs[r, j]) for j in range(len(models))] for r in range(4)]
    for j, m in enumerate(models):
        spikes, st = runs[m]
        net = st["network"]
        ax = rows[0][j]
        draw_raster(ax, spikes, net, (80, 20))
        ax.set_xlim(net["t_sim_ms"] - window_ms, net["t_sim_ms"])
        ax.set_xlabel("time (ms)")
        ax.set_title(m)
        rates, cv = window_rates_cv(spikes, net)
        top = np.nanpercentile(rates, 99)
        draw_population_histograms(rows[1][j], rates, net, np.linspace(0, top, 30), "rate (Hz)")
        draw_population_histograms(rows[2][j], cv, net, np.linspace(0, 4, 30), "ISI CV")
        ax = rows[3][j]
        inp = st["inputs"]["E"]
        ax.bar([0, 1, 2], [inp["I_ex_pA"], -inp["I_in_pA"], inp["I_total_pA"]],
               color=[VERMILLION, BLUE, BLACK], width=0.6)
        ax.errorbar([2], [inp["I_total_pA"]], [inp["I_total_sd_pA"]], fmt="none",
                    color=BLACK, lw=0.8, capsize=2)
        ax.set_xticks([0, 1, 2], ["exc.", "−inh.", "total"])
        ax.set_ylabel("E input current (pA)")
        if j:
            for r in range(4):
                rows[r][j].set_ylabel("")
    rows[1][0].legend(loc="upper right")
    for r, start in zip(rows, "ABCD"):
        letter(r[0], start)
    return fig


def _closed_loop(rows: dict) -> dict:
    """Closed-loop E rows of verification.csv as arrays sorted by external rate."""
    exp, pop = np.asarray(rows["experiment"]), np.asarray(rows["population"])
    k = (exp == "closed_loop") & (pop == "E")
    nu = np.array([closed_loop_nu(c) for c in np.asarray(rows["condition"])[k]])
    order = np.argsort(nu)
    out = {"nu": nu[order]}
    keys = ["simulated_Hz", "simulated_sem_Hz"] + [q.column for q in PREDICTORS]
    for key in keys:
        out[key] = none_to_nan(rows[key])[k][order]
    return out


@styled
def theory(models: dict):
    """Rate theory against NEST across models. Top: the E/I network's E rate against the
    external rate (NEST +- s.e.m.) with every prediction (self-consistent single neurons
    with their 95 % bootstrap interval). Bottom: open loop, predicted (ii) against
    simulated; uniform feedback, predicted against NEST's ignition threshold; the 1-50 Hz
    median relative error of each prediction in closed loop (bars; ticks: p90).
    models: model -> dict(rows=verification.csv, summary=summary.json,
    selfconsistent=selfconsistent.json, feedback=uniform_feedback.json)."""
    names = list(models)
    fig = new_figure("double", 120)
    gs = fig.add_gridspec(2, max(len(names), 3))
    top = [fig.add_subplot(gs[0, j]) for j in range(len(names))]
    for ax, m in zip(top, names):
        d = _closed_loop(models[m]["rows"])
        ax.errorbar(d["nu"], d["simulated_Hz"], d["simulated_sem_Hz"], fmt="o", color=BLACK,
                    ms=3, label="NEST network")
        for q in PREDICTORS:
            if q.fixed_points is not None:  # a rate equation: its curve
                ax.plot(d["nu"], d[q.column], q.linestyle, color=q.colour, lw=1.0,
                        label=q.label)
                continue
            # the self-consistent loop: r* at its external rates with their intervals
            sc = models[m]["selfconsistent"]["predictions"]
            r = np.array([x["rate_Hz"] for x in sc])
            lo, hi = np.array([x["rate_interval_Hz"] for x in sc]).T
            ax.errorbar([x["nu_ext_Hz"] for x in sc], r, [r - lo, hi - r], fmt=q.linestyle,
                        ms=3, mfc="none", color=q.colour, lw=0.8, label=q.label)
        ax.set_ylim(0, None)
        ax.set_title(m)
        ax.set_xlabel("external rate ν$_{ext}$ (Hz)")
        ax.set_ylabel("E rate (Hz)")
    fig.legend(*top[0].get_legend_handles_labels(), loc="outside upper center", ncols=5,
               handlelength=1.8)
    letters(top)
    ax, bx, cx = (fig.add_subplot(gs[1, j]) for j in range(3))
    for i, m in enumerate(names):
        col, mk = _model_colour(m, i), MARKERS[i % 4]
        rows = models[m]["rows"]
        k = np.asarray(rows["experiment"]) == "open_loop"
        sim, pred = none_to_nan(rows["simulated_Hz"])[k], none_to_nan(rows["predicted_Hz_fluct"])[k]
        ax.plot(sim, pred, mk, color=col, ms=2.5, mfc="none", mew=0.6, label=m)
        rec = models[m]["feedback"]["loop_gains"]
        fired = [q for q in rec if q["simulated_threshold_Hz"]]
        bx.plot(none_to_nan(q["simulated_threshold_Hz"] for q in fired),
                none_to_nan(q["threshold_fluct_Hz"] for q in fired), mk, color=col, label=m)
        bx.plot(none_to_nan(q["simulated_threshold_Hz"] for q in fired),
                none_to_nan(q["r_o_linear_Hz"] for q in fired), mk, color=col, mfc="none")
    for axis, lim in ((ax, (0.1, 1000.0)), (bx, None)):
        lo, hi = lim or (0.0, max(axis.get_xlim()[1], axis.get_ylim()[1]))
        axis.plot([lo, hi], [lo, hi], "-", color="0.6", lw=0.6, zorder=-1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(0.1, 1000)
    ax.set_ylim(0.1, 1000)
    ax.axvspan(1.0, 50.0, color="0.93", zorder=-2)
    ax.set_xlabel("NEST rate, open loop (Hz)")
    ax.set_ylabel("predicted rate (ii) (Hz)")
    ax.legend(loc="upper left")
    bx.set_xlabel("NEST ignition threshold (Hz)")
    bx.set_ylabel("predicted threshold (Hz)")
    bx.plot([], [], "o", color="0.5", label="(ii), filled")
    bx.plot([], [], "o", color="0.5", mfc="none", label="(i) r$_o$, open")
    bx.legend(loc="upper left")
    width = 0.8 / len(names)
    for i, m in enumerate(names):
        s = models[m]["summary"]
        xs = np.arange(len(PREDICTORS)) + (i - (len(names) - 1) / 2) * width
        med = [band_error(s, "closed_loop", q.key, "median_rel_error") for q in PREDICTORS]
        p90 = [band_error(s, "closed_loop", q.key, "p90_rel_error") for q in PREDICTORS]
        cx.bar(xs, med, width, color=_model_colour(m, i), label=m)
        cx.plot(xs, p90, "_", color=BLACK, ms=4)
    cx.axhline(10, color="0.5", lw=0.6, ls=":")
    cx.set_xticks(range(len(PREDICTORS)), [q.numeral for q in PREDICTORS])
    cx.set_xlabel("prediction")
    cx.set_ylabel("closed-loop error, 1–50 Hz (%)")
    cx.set_yscale("log")
    letters([ax, bx, cx], start=chr(ord("A") + len(names)))
    return fig


@styled
def dynamics(models: dict):
    """Normalised response of each model's network to a step of the external rate (NEST)
    and of the rate model started at its fixed point with tau_m, tau_eff or synaptic
    filtering. models: model -> (step_dynamics.csv table, step_dynamics.json)."""
    names = list(models)
    fig = new_figure("double", 62)
    axes = np.atleast_1d(fig.subplots(1, len(names), sharey=True))
    for ax, m in zip(axes, names):
        draw_step_dynamics(ax, *models[m], times_in_labels=False)
        ax.set_title(m)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=4,
               handlelength=1.8)
    for ax in axes[1:]:
        ax.set_ylabel("")
    letters(axes)
    return fig


def draw_bench_walltime(ax, results: list, splits) -> None:
    """Wall seconds per simulated second of the benchmark network per model and launch
    (ranks x threads)."""
    width = 0.8 / len(splits)
    for j, split in enumerate(splits):
        ys = [r["splits"][split]["wall_s_per_sim_s"] for r in results]
        xs = [i + (j - (len(splits) - 1) / 2) * width for i in range(len(results))]
        ax.bar(xs, ys, width, color=(BLUE, ORANGE, GREEN)[j % 3], label=f"{split}")
    ax.set_xticks(range(len(results)), [r["model"] for r in results])
    ax.set_ylabel("wall s per simulated s")
    ax.legend(title="ranks x threads", loc="upper left")


@styled
def benchmark(bench: dict):
    """A: wall time per simulated second per model and launch; B: peak memory of a rank
    against the number of synapses, with the linear memory model fitted on the runs."""
    results = bench["results"]
    splits = list(results[0]["splits"])
    fig = new_figure("double", 60)
    ax, bx = fig.subplots(1, 2, width_ratios=[1.4, 1])
    draw_bench_walltime(ax, results, splits)
    mem = bench["memory"]
    for run in mem["runs"]:
        bx.plot(run["connections"] / 1e6, run["peak_rss_kB"] / 1024, "o", color=BLACK)
        model = (mem["base_kB"] + mem["kB_per_neuron"] * run["neurons"]
                 + mem["bytes_per_synapse"] * run["connections"] / 1024)
        bx.plot(run["connections"] / 1e6, model / 1024, "_", color=VERMILLION, ms=8)
        bx.annotate(f"{run['neurons']} neurons", (run["connections"] / 1e6,
                    run["peak_rss_kB"] / 1024), xytext=(4, -2), textcoords="offset points")
    bx.plot([], [], "o", color=BLACK, label="measured")
    bx.plot([], [], "_", color=VERMILLION, ms=8, label="linear model")
    bx.set_xlabel("synapses (10$^6$)")
    bx.set_ylabel("peak RSS per rank (MiB)")
    bx.legend(loc="lower right")
    letters([ax, bx])
    return fig


@styled
def adaptation(models: dict):
    """Adaptation as another averaged variable, per adapting model. A: steady-state
    f–I at the model's own strength without added conductance, deterministic input: NEST
    (dots), predicted from the reference neuron and the averaged variable (line), the
    reference (grey), the initial (first-ISI) f–I (open circles). B: adapted gain
    without added conductance against adaptation strength, NEST (markers) and predicted
    (lines). C: gain at the largest added conductance over the gain without, NEST and
    predicted (deterministic input). D: population rate after a step of the current,
    NEST and the rate equations with the averaged variables, over NEST's steady rate.
    Where the run has them, a third row: the adapting E/I network's E rate against
    ν_ext, NEST and the rate equation (ii) and the self-consistent loop (iv); its E rate
    after a step of ν_ext, NEST and (ii) with the averaged variables made dynamic; the
    map over adaptation strength × ν_ext of (ii)'s error, with its 10 % border (the
    first model that has one; every prediction: the map figure).
    models: model -> dict(prediction=prediction.csv, summary=summary.json, step=step.json)
    of results/adaptation/<model>/, and the optional closed_loop (verification.csv),
    network_step, network_step_fit (step_dynamics.csv, .json) of results/theory/<model>/
    and map (map.csv) of results/map/<model>/."""
    names = list(models)
    network = [m for m in names if "closed_loop" in models[m] and "theory_summary" in models[m]]
    mapped = [m for m in names if "map" in models[m]]
    fig = new_figure("double", 165 if network or mapped else 110)
    gs = fig.add_gridspec(3 if network or mapped else 2, 6)
    n = min(len(names), 3)  # one f-I panel per model, the first three
    fi_axes = [fig.add_subplot(gs[0, 6 // n * j:6 // n * (j + 1)]) for j in range(n)]
    bx, cx, dx = (fig.add_subplot(gs[1, 2 * j:2 * j + 2]) for j in range(3))
    for i, (ax, m) in enumerate(zip(fi_axes, names)):
        cols = {k: np.asarray(v) for k, v in models[m]["prediction"].items()}
        k = ((cols["condition"] == "deterministic") & (cols["strength"] == 1.0)
             & (cols["delta_g_nS"] == cols["delta_g_nS"].min()))
        ax.plot(cols["I_pA"][k], cols["rate_Hz"][k], "o", ms=2, color=BLACK, label="NEST")
        ax.plot(cols["I_pA"][k], cols["predicted_Hz"][k], "-", color=VERMILLION, lw=1.0,
                label="averaged variable")
        ax.plot(cols["I_pA"][k], cols["reference_Hz"][k], "-", color="0.6", lw=0.8,
                label="reference (slow mechanisms off)")
        ax.plot(cols["I_pA"][k], cols["initial_rate_Hz"][k], "o", ms=2, mfc="none",
                color=BLUE, mew=0.5, label="initial (first ISI)")
        ax.axhspan(*models[m]["summary"]["band_Hz"], color="0.93", zorder=-1)
        ax.set_ylim(0, 150)
        ax.set_title(m)
        ax.set_xlabel("injected current I (pA)")
        ax.set_ylabel("rate (Hz)")
        if i == 0:
            ax.legend(loc="upper left")
    for i, m in enumerate(names):
        col, mk = _model_colour(m, i), MARKERS[i % 4]
        parts = [p for p in models[m]["summary"]["parts"] if p["condition"] == "deterministic"]
        x = [p["strength"] for p in parts]
        bx.plot(x, none_to_nan(p["levels"][0]["gain_nest_Hz_per_pA"] for p in parts), mk,
                color=col, ms=3, label=m)
        bx.plot(x, none_to_nan(p["levels"][0]["gain_predicted_Hz_per_pA"] for p in parts), "-",
                color=col, lw=0.8)
        cx.plot(x, none_to_nan(p["gain_ratio_nest"] for p in parts), mk, color=col, ms=3,
                label=m)
        cx.plot(x, none_to_nan(p["gain_ratio_predicted"] for p in parts), "-", color=col, lw=0.8)
        step = models[m]["step"]
        t = np.asarray(step["t_ms"]) - step["step"]["t_ms"]
        show = (t >= -200) & (t <= 800)
        scale = step["nest"]["r_inf_Hz"]
        dx.plot(t[show], np.asarray(step["rate_nest_Hz"])[show] / scale, "-", color=col, lw=0.5,
                alpha=0.7)
        dx.plot(t[show], np.asarray(step["rate_predicted_Hz"])[show] / scale, "--", color=col,
                lw=1.0, label=m)
    strengths = sorted({p["strength"] for m in names for p in models[m]["summary"]["parts"]})
    for axis in (bx, cx):
        axis.set_xscale("log")
        axis.set_xticks(strengths, [f"{s:g}" for s in strengths])
        axis.minorticks_off()
        axis.set_xlabel("adaptation strength (× the model file's)")
    bx.set_yscale("log")
    bx.set_ylabel("gain at Δg = 0 (Hz/pA)")
    bx.legend(loc="lower left")
    cx.axhline(1.0, color="0.6", lw=0.5)
    cx.set_ylabel("gain at +40 nS / at 0")
    dx.set_xlabel("time after the step (ms)")
    dx.set_ylabel("rate / NEST's steady rate")
    dx.plot([], [], "-", color="0.4", lw=0.5, label="NEST")
    dx.plot([], [], "--", color="0.4", label="rate equations")
    dx.legend(loc="upper right")
    panels = [*fi_axes, bx, cx, dx]
    if network:
        panels += _adapting_network(fig, gs, models, network)
    if mapped:
        panels.append(_strength_map(fig, gs, models[mapped[0]]["map"], mapped[0]))
    letters(panels)
    return fig


def _adapting_network(fig, gs, models: dict, names: list) -> list:
    """The adaptation figure's third row, left and middle: closed loop and step of ν_ext."""
    fluct, own = PREDICTOR["fluct"], PREDICTOR["selfconsistent"]
    ex, fx = fig.add_subplot(gs[2, 0:2]), fig.add_subplot(gs[2, 2:4])
    top = 0.0
    for m in names:
        i = list(models).index(m)  # the model's colour and marker of panels B-D
        col, mk = _model_colour(m, i), MARKERS[i % 4]
        d = _closed_loop(models[m]["closed_loop"])
        ex.plot(d["nu"], d["simulated_Hz"], mk, color=col, ms=3)
        ex.plot(d["nu"], d[fluct.column], "-", color=col, lw=1.0)
        # (iv) only where its loop converged (the caption's judged drives)
        runs = models[m]["theory_summary"]["selfconsistent"].get("runs", [])
        done = np.isin(d["nu"], [r["nu_ext_Hz"] for r in runs if r["converged"]])
        ex.plot(d["nu"], np.where(done, d[own.column], np.nan), ":x", color=col, lw=1.0, ms=4)
        trace = models[m]["network_step"]
        if "predicted_Hz_adapting" not in trace:
            continue
        t = np.asarray(trace["t_ms"])
        show = (t >= -300) & (t < 1000)
        # NEST's rate in 25 ms bins (drawing only: the fits use the finer trace)
        n = int(round(25.0 / (t[1] - t[0])))
        sim = np.asarray(trace["simulated_Hz"])[show]
        m_bins = sim.size // n
        binned = sim[:m_bins * n].reshape(m_bins, n).mean(axis=1)
        fx.step(t[show][:m_bins * n:n], binned, where="post", color=col, lw=0.6, alpha=0.8)
        fx.plot(t[show], np.asarray(trace["predicted_Hz_adapting"])[show], "--", color=col,
                lw=1.0)
        top = max(top, np.nanmax(binned))
    # the models' colours and markers are those of the second row
    ex.plot([], [], "o", color="0.4", ms=3, label="NEST")
    ex.plot([], [], "-", color="0.4", lw=1.0, label=fluct.label)
    ex.plot([], [], ":x", color="0.4", lw=1.0, ms=4, label=own.label + " (converged)")
    ex.set_ylim(0, 1.4 * ex.get_ylim()[1])
    ex.set_xlabel("external rate ν$_{ext}$ (Hz)")
    ex.set_ylabel("E rate, E/I network (Hz)")
    ex.legend(loc="upper left")
    fx.set_ylim(0, 1.5 * top if top else None)
    fx.set_xlabel("time after the step of ν$_{ext}$ (ms)")
    fx.set_ylabel("E rate (Hz)")
    fx.plot([], [], "-", color="0.4", lw=0.6, label="NEST (25 ms bins)")
    fx.plot([], [], "--", color="0.4", label="(ii), dynamic adaptation")
    fx.legend(loc="upper left")
    return [ex, fx]


def _strength_map(fig, gs, table: dict, model: str):
    """The adaptation figure's third row, right: (ii)'s error over adaptation strength x
    ν_ext."""
    from ..map import plots as map_plots
    from ..map.grid import BY_KEY

    gx = fig.add_subplot(gs[2, 4:6])
    image = map_plots.error_panel(gx, map_plots.from_csv(table), "fluct",
                                  f"{model}: (ii)", BY_KEY["adaptation_strength"])
    map_plots.error_bar(fig, image, gx)
    gx.set_xlabel(BY_KEY["adaptation_strength"].label)
    gx.set_ylabel(r"$\nu_{ext}$ (Hz)")
    return gx
