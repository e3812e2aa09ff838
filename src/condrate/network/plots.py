"""Figures of the E/I network runs (style and saving: condrate.plotstyle)."""

from __future__ import annotations

import numpy as np

from ..plotstyle import STYLE, plt
from ..units import window_s
from .stats import isi_cv

COLORS = {"E": "tab:red", "I": "tab:blue"}


def activity_figure(spikes, st: dict, title: str, n_show=(200, 50)):
    """Raster of a sample of E and I neurons with the population rate over the whole run
    (onset included; the grey band is the warm-up left out of the statistics), and the
    rate and CV histograms of the analysed window. spikes: SpikeTrains of the run."""
    net = st["network"]
    idx, times = spikes.index, spikes.times_ms
    t_start, t_end = 0.0, net["t_sim_ms"]
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(7.0, 4.6))
        gs = fig.add_gridspec(3, 2, height_ratios=[2.2, 1, 1.3], width_ratios=[2, 1])
        ax = fig.add_subplot(gs[0, :])
        shown = 0
        for p, lo, n in (("E", 0, n_show[0]), ("I", net["N_E"], n_show[1])):
            k = (idx >= lo) & (idx < lo + n) & (times >= t_start)
            ax.plot(times[k], idx[k] - lo + shown, "|", ms=1.5, color=COLORS[p], label=p)
            shown += n
        ax.set_ylabel("neuron")
        ax.set_xlim(t_start, t_end)
        ax.set_title(f"{title}: E {st['populations']['E']['rate_Hz']:.1f} Hz, "
                     f"I {st['populations']['I']['rate_Hz']:.1f} Hz, CV "
                     f"{st['populations']['E']['cv_isi']['mean']:.2f}, "
                     f"chi {st['populations']['E']['chi']:.3f}")
        ax.set_xticklabels([])
        ax = fig.add_subplot(gs[1, :])
        edges = np.arange(t_start, t_end + 1e-9, 2.0)
        rate = np.histogram(times, edges)[0] / ((net["N_E"] + net["N_I"]) * window_s(0.0, 2.0))
        ax.plot(edges[:-1], rate, "k-", lw=0.6)
        ax.axvspan(0, net["t_warmup_ms"], color="0.9", zorder=-1)
        ax.set_xlim(t_start, t_end)
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("pop. rate (Hz)")
        t0, t1 = net["t_warmup_ms"], net["t_sim_ms"]
        keep = spikes.in_window(t0)
        rates = spikes.rates_Hz(t0, t1, to_end=True)
        ax = fig.add_subplot(gs[2, 0])
        for p, sl in (("E", slice(0, net["N_E"])), ("I", slice(net["N_E"], None))):
            ax.hist(rates[sl], bins=40, histtype="step", color=COLORS[p], density=True, label=p)
        ax.set_xlabel("rate (Hz)")
        ax.set_ylabel("density")
        ax.legend(frameon=False)
        ax = fig.add_subplot(gs[2, 1])
        cv = isi_cv(idx[keep], times[keep], len(rates), 5)
        for p, sl in (("E", slice(0, net["N_E"])), ("I", slice(net["N_E"], None))):
            c = cv[sl]
            ax.hist(c[np.isfinite(c)], bins=30, histtype="step", color=COLORS[p], density=True)
        ax.set_xlabel("CV of ISI")
        fig.tight_layout()
    return fig


def ext_sweep_figure(rows: dict, summary: dict, title: str):
    nu, pop = np.asarray(rows["nu_ext_Hz"], float), np.asarray(rows["population"])
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(3.4, 2.8))
        for p in ("E", "I"):
            k = pop == p
            r = np.asarray(rows["rate_Hz"], float)[k]
            s = summary[p]
            ax.plot(nu[k], r, "o", color=COLORS[p], ms=3,
                    label=f"{p}: slope {s['slope']:.2f}, R$^2$ {s['r2']:.3f}")
            ax.plot(nu[k], s["intercept"] + s["slope"] * nu[k], "-", color=COLORS[p], lw=0.8)
            pred = np.asarray(rows["predicted_Hz_V_mean"], dtype=object)[k]
            if p == "E" and all(v is not None for v in pred):
                ax.plot(nu[k], pred.astype(float), "k--", lw=0.8, label="balance eq. at <V$_m$>")
        label_rate_vs_input(ax, title)
        fig.tight_layout()
    return fig


def label_rate_vs_input(ax, title: str) -> None:
    """Axes of a population rate vs external rate plot."""
    ax.set_xlabel("external rate per input (Hz)")
    ax.set_ylabel("population rate (Hz)")
    ax.set_title(title)
    ax.legend(frameon=False)


def step_figure(rows: dict, summary: dict, title: str):
    t = np.asarray(rows["t_ms"], float)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(3.6, 2.6))
        ax.plot(t, rows["rate_Hz"], color="0.75", lw=0.5, label="0.5 ms bins")
        ax.plot(t, rows["smooth_Hz"], "k-", lw=0.9, label="1.5 ms smoothed")
        ax.axvline(0, color="tab:green", lw=0.8)
        ax.axvline(summary["response_time_ms"], color="tab:orange", lw=0.8,
                   label=f"63% after {summary['response_time_ms']:.1f} ms\n"
                         f"(tau_m {summary['tau_m_ms']:.1f}, tau_eff {summary['tau_eff_ms']:.2f} ms)")
        ax.set_xlabel(f"time from up-step (ms), mean of {summary['n_steps']} steps")
        ax.set_ylabel("population rate (Hz)")
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=6)
        fig.tight_layout()
    return fig


def _k_axis(ax, K):
    ax.set_xscale("log")
    ax.set_xticks(K)
    ax.set_xticklabels([f"{int(k)}" for k in K])
    ax.minorticks_off()
    ax.set_xlabel("in-degree K$_E$ (K$_I$ = K$_E$/4, K$_{ext}$ = K$_E$)")


def k_scaling_figure(rows: dict, title: str):
    K, pop = np.asarray(rows["K_E"], float), np.asarray(rows["population"])
    k = pop == "E"
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(6.0, 2.6))
        ax = axes[0]
        ax.plot(K[k], np.asarray(rows["I_ex_pA"], float)[k], "o-", color="tab:red", label="excitatory")
        ax.plot(K[k], -np.asarray(rows["I_in_pA"], float)[k], "o-", color="tab:blue", label="−inhibitory")
        ax.plot(K[k], np.asarray(rows["I_total_pA"], float)[k], "o-", color="k", label="total")
        _k_axis(ax, K[k])
        ax.set_ylabel("mean input current (pA)")
        ax.legend(frameon=False)
        ax = axes[1]
        ax.plot(K[k], np.asarray(rows["I_total_sd_pA"], float)[k], "o-", color="k")
        _k_axis(ax, K[k])
        ax.set_ylabel("s.d. of total input (pA)")
        fig.suptitle(title)
        fig.tight_layout()
    return fig
