"""Figures of the rate-theory verification."""

from __future__ import annotations

import numpy as np

from ..io import none_to_nan
from ..network.plots import label_rate_vs_input
from ..plotstyle import (BLUE, DOUBLE, GREEN, MM, ORANGE, POPULATION, PURPLE, SINGLE, STYLE,
                         VERMILLION, plt)
from .predictors import PREDICTORS
from .verification import closed_loop_nu


def _col(rows, key):
    return none_to_nan(rows[key])


def band_error(summary: dict, experiment: str, predictor: str, stat: str):
    """A 1-50 Hz band error of summary.json in percent (NaN where there is none)."""
    band = summary.get(experiment, {}).get(predictor, {}).get("bands", {}).get("1_50Hz", {})
    value = band.get(stat)
    return np.nan if value is None else 100 * value


def predicted_vs_simulated(rows: dict, summ: dict, title: str):
    exp = np.asarray(rows["experiment"])
    sim = _col(rows, "simulated_Hz")
    top = 2 * np.nanmax(sim)  # predictions beyond are drawn on the upper edge
    with plt.rc_context(STYLE):
        n_rows = (len(PREDICTORS) + 1) // 2
        fig, axes = plt.subplots(n_rows, 2, figsize=(DOUBLE, 75 * MM * n_rows), sharey=True,
                                 squeeze=False)
        for ax in axes.ravel()[len(PREDICTORS):]:
            ax.set_visible(False)
        for ax, q in zip(axes.ravel(), PREDICTORS):
            f, label = q.key, q.short
            pred = np.minimum(_col(rows, q.column), top)
            for e, mk, col in (("open_loop", "o", PURPLE), ("closed_loop", "s", ORANGE),
                               ("uniform_feedback", "^", GREEN)):
                k = exp == e
                med = band_error(summ, e, f, "median_rel_error")
                ax.plot(sim[k], pred[k], mk, ms=3, color=col, alpha=0.8,
                        label=f"{e.replace('_', ' ')}: 1-50 Hz median err "
                              f"{'n/a' if np.isnan(med) else f'{med:.0f}%'}")
            ax.plot([0, top], [0, top], "k-", lw=0.6)
            ax.axvspan(1.0, 50.0, color="0.93", zorder=-1)  # the headline band
            for axis in (ax.set_xscale, ax.set_yscale):
                axis("symlog", linthresh=1.0)
            ax.set_xlim(0, top)
            ax.set_ylim(0, top * 1.05)
            ax.set_title(label)
            ax.set_xlabel("simulated rate (Hz)")
            ax.legend(frameon=False, loc="upper left")
        for ax in axes[:, 0]:
            ax.set_ylabel("predicted rate (Hz; clipped at the top)")
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def rates_vs_input(rows: dict, curves: dict, title: str, diagnostics: dict | None = None,
                   selfconsistent: list | None = None):
    exp, pop = np.asarray(rows["experiment"]), np.asarray(rows["population"])
    nu = np.array([closed_loop_nu(c) if e == "closed_loop" else np.nan
                   for c, e in zip(rows["condition"], exp)])
    sim = _col(rows, "simulated_Hz")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(SINGLE, 75 * MM))
        for p, col in POPULATION.items():
            k = (exp == "closed_loop") & (pop == p)
            ax.plot(nu[k], sim[k], "o", ms=3, color=col, label=f"NEST {p}")
        ax.plot(curves["nu_ext_Hz"], curves["linear"], "k--", lw=0.8, label="threshold-linear f")
        ax.plot(curves["nu_ext_Hz"], curves["fluct"], "k-", lw=0.8, label="fluctuation-aware f")
        ax.plot(curves["nu_ext_Hz"], curves["semianalytic"], "-", color=GREEN, lw=0.8,
                label="semi-analytic f")
        if diagnostics and diagnostics["runs"]:
            runs = diagnostics["runs"]
            ax.plot([q["nu_ext_Hz"] for q in runs],
                    none_to_nan(q["predicted_Hz_fluct_fano"] for q in runs), "kx", ms=4,
                    label="f (ii), variance x NEST Fano")
        if selfconsistent:
            nus = [q["nu_ext_Hz"] for q in selfconsistent]
            r = np.array([q["rate_Hz"] for q in selfconsistent])
            lo, hi = np.array([q["rate_interval_Hz"] for q in selfconsistent]).T
            ax.errorbar(nus, r, yerr=[r - lo, hi - r], fmt="D", ms=3, color=PURPLE,
                        mfc="none", lw=0.8, label="self-consistent single neurons (95 %)")
        label_rate_vs_input(ax, title)
        fig.tight_layout()
    return fig


def uniform_feedback(table: dict, records: list, curves: dict, title: str):
    """Left: open-loop F(r) per loop gain with both f and the identity (fixed points
    where they cross). Right: fixed points against the loop gain, theory and NEST."""
    gain = np.asarray(table["loop_gain"], float)
    with plt.rc_context(STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(DOUBLE, 75 * MM))
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(records)))
        for rec, col in zip(records, colors):
            k = gain == rec["loop_gain"]
            r = np.asarray(table["rate_in_Hz"], float)[k]
            ax.errorbar(r, np.asarray(table["rate_out_Hz"], float)[k],
                        np.asarray(table["rate_out_sem_Hz"], float)[k], fmt="o", ms=2.5,
                        color=col, label=f"$\\kappa$ = {rec['loop_gain']:g}")
            ax.plot(r, _col(table, "predicted_Hz_fluct")[k], "-", lw=0.8, color=col)
            ax.plot(r, _col(table, "predicted_Hz_linear")[k], "--", lw=0.6, color=col)
        top = float(np.max(table["rate_in_Hz"]))
        ax.plot([0, top], [0, top], "k-", lw=0.6)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("input rate r (Hz)")
        ax.set_ylabel("output rate F(r) (Hz)")
        ax.set_title("open loop (- - linear, — fluct.)")
        ax.legend(frameon=False)
        g = curves["loop_gain"]
        bx.plot(g, curves["linear"], "k--", lw=0.8, label="linear $r_o$ (unstable)")
        bx.plot(g, curves["fluct_threshold"], "k:", lw=0.8, label="fluct. threshold (unstable)")
        bx.plot(g, curves["fluct_upper"], "k-", lw=0.8, label="fluct. persistent (stable)")
        kap = np.array([q["loop_gain"] for q in records])
        thr = none_to_nan(q["simulated_threshold_Hz"] for q in records)
        bx.plot(kap, thr, "o", mfc="none", color=PURPLE, label="NEST open-loop crossing")
        bx.plot(kap, [q["closed_loop_after_kick_Hz"] for q in records], "s", ms=4,
                color=ORANGE, label="NEST network after kick")
        bx.axvline(1.0, color="0.7", lw=0.6)
        bx.set_xscale("log")
        bx.set_xticks(sorted(set(kap.tolist()) | {1.0}), minor=False)
        bx.set_xticks([], minor=True)
        bx.xaxis.set_major_formatter(plt.FormatStrFormatter("%g"))
        bx.set_yscale("symlog", linthresh=1.0)
        bx.set_ylim(0, None)
        bx.set_xlabel("loop gain $\\kappa = K\\beta W_o$")
        bx.set_ylabel("rate (Hz)")
        bx.legend(frameon=False)
        fig.suptitle(f"{title}: uniform excitatory feedback")
        fig.tight_layout()
    return fig


def _ms(x):
    return "n/a" if x is None else f"{x:.2f} ms"


def draw_step_dynamics(ax, table: dict, summ: dict, times_in_labels: bool = True) -> None:
    """Normalised response to the step of the external rate: NEST (grey) and the rate
    model with tau_m, tau_eff and synaptic filtering (times to 63 % in the labels)."""
    from .dynamics import normalised_change

    t = np.asarray(table["t_ms"], float)
    times = summ["response_time_ms"]

    def label(name, text):
        return f"{text} ({_ms(times[name])})" if times_in_labels else text

    ax.plot(t, normalised_change(t, table["simulated_smooth_Hz"]), "-", color="0.4",
            label=label("simulated", "NEST"))
    for name, ls, col, lab in (("tau_m", "--", VERMILLION, "$\\tau_m$"),
                               ("tau_eff", ":", BLUE, "$\\tau_{eff}$"),
                               ("synaptic", "-", GREEN, "synaptic")):
        ax.plot(t, normalised_change(t, _col(table, f"predicted_Hz_{name}")), ls, color=col,
                label=label(name, f"rate model, {lab}"))
    if "predicted_Hz_adapting" in table:  # an adapting model: (ii) with dynamic adaptation
        tau = summ["adaptation"]["predicted"]["tau_ms"]
        ax.plot(t, normalised_change(t, _col(table, "predicted_Hz_adapting")), "-",
                color=PURPLE, label=f"(ii) with adaptation, slow $\\tau$ {tau:.0f} ms")
    ax.axvline(0, color="0.7", lw=0.6)
    ax.set_ylim(-1.5, 3.0)  # noise of small changes would hide the model curves
    ax.set_xlabel("time from the step (ms)")
    ax.set_ylabel("normalised rate change")


def step_dynamics(table: dict, summ: dict, title: str):
    """Normalised response to the step of the external rate: NEST and the rate model."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(SINGLE, 75 * MM))
        draw_step_dynamics(ax, table, summ)
        ax.legend(loc="upper right")
        ax.set_title(f"{title}: step of the external rate")
        fig.tight_layout()
    return fig


def selfconsistent_convergence(predictions: list, title: str):
    """r* (left) and the output's ISI CV (right) over the generations, per external rate;
    open symbols: the ladder of input rates did not bracket r*. Entries with a
    ``population`` (the two-model loop) are drawn per population: E solid, I dashed,
    one colour per external rate."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(DOUBLE, 65 * MM))
        nus = sorted({q["nu_ext_Hz"] for q in predictions})
        colour = dict(zip(nus, plt.cm.viridis(np.linspace(0, 0.9, len(nus)))))
        two = any("population" in q for q in predictions)
        for q in predictions:
            col, h = colour[q["nu_ext_Hz"]], q["history"]
            g = [x["generation"] for x in h]
            line = "--" if q.get("population") == "I" else "-"
            for ax, key in ((axes[0], "root_Hz"), (axes[1], "cv_isi")):
                ax.plot(g, none_to_nan(x[key] for x in h), line, color=col, lw=0.8)
                for x in h:
                    ax.plot(x["generation"], np.nan if x[key] is None else x[key], "o", ms=3,
                            color=col, mfc=col if x["bracketed"] else "none")
            pop = f" {q['population']}" if "population" in q else ""
            axes[0].plot([], [], line + "o", ms=3, color=col, lw=0.8,
                         label=f"ν_ext {q['nu_ext_Hz']:g} Hz{pop}")
        axes[0].set_ylabel("self-consistent rate r* (Hz)")
        axes[1].set_ylabel("ISI CV of the output")
        for ax in axes:
            ax.set_xlabel("generation (0: Poisson input)")
        fig.suptitle(title)
        if two:  # E and I rates a factor of several apart: log rates, legend aside
            axes[0].set_yscale("log")
            fig.legend(*axes[0].get_legend_handles_labels(), loc="center right",
                       frameon=False)
            fig.tight_layout(rect=(0, 0, 0.8, 1))
        else:
            axes[0].legend(frameon=False)
            fig.tight_layout()
    return fig


def two_population_rates(rows: dict, predictions: dict, models: dict):
    """A two-model network's closed loop: per population (panel) NEST's rate against the
    external rate (points) and every prediction with a two-population form (its colour
    and line style from the registry; the self-consistent loop's points open where it
    did not converge); a legend line names the ones without."""
    pop = np.asarray(rows["population"])
    nu = np.array([closed_loop_nu(c) for c in rows["condition"]])
    sim = _col(rows, "simulated_Hz")
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(DOUBLE, 70 * MM))
        for ax, p in zip(axes, POPULATION):
            k = pop == p  # NEST in black: the registry's colours are the predictions'
            ax.plot(nu[k], sim[k], "o", ms=3.5, color="k", label=f"NEST {p}")
            for q in PREDICTORS:
                if q.key in predictions["missing"]:
                    continue
                r = none_to_nan(x and x[list(POPULATION).index(p)]
                                for x in predictions["rates_Hz"][q.key])
                if q.linestyle in ("-", "--", "-.", ":"):
                    ax.plot(predictions["nu_ext_Hz"], r, q.linestyle, color=q.colour, lw=1.0,
                            label=q.label)
                    continue
                # a simulation's points (iv): filled where its loop converged, open where not
                ok = np.asarray(predictions["selfconsistent_converged"], bool)
                nu_p = np.asarray(predictions["nu_ext_Hz"], float)
                ax.plot(nu_p[ok], r[ok], q.linestyle, ms=4, color=q.colour, label=q.label)
                ax.plot(nu_p[~ok], r[~ok], q.linestyle, ms=4, color=q.colour, mfc="none",
                        label=f"{q.numeral} not converged" if (~ok).any() else None)
            missing = ", ".join(q.numeral for q in PREDICTORS if q.key in predictions["missing"])
            if missing:
                ax.plot([], [], " ", label=f"{missing}: no two-population form")
            label_rate_vs_input(ax, f"{p}: {models[p]}")
        fig.tight_layout()
    return fig
