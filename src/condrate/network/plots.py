"""Figures of the E/I network runs (style and saving: condrate.plotstyle)."""

from __future__ import annotations

import numpy as np

from ..plotstyle import (BLACK, BLUE, DOUBLE, GREEN, MM, ORANGE, POPULATION, SINGLE, STYLE,
                         VERMILLION, plt)
from ..units import window_s
from .stats import isi_cv


def _slices(net: dict) -> dict:
    return {"E": slice(0, net["N_E"]), "I": slice(net["N_E"], None)}


def draw_raster(ax, spikes, net: dict, n_show=(200, 50)) -> None:
    """Raster of the first n_show E and I neurons over the whole run (ms)."""
    idx, times = spikes.index, spikes.times_ms
    shown = 0
    for p, lo, n in (("E", 0, n_show[0]), ("I", net["N_E"], n_show[1])):
        k = (idx >= lo) & (idx < lo + n)
        ax.plot(times[k], idx[k] - lo + shown, "|", ms=1.5, mew=0.5, color=POPULATION[p])
        shown += n
    ax.set_ylim(0, shown)
    ax.set_xlim(0.0, net["t_sim_ms"])
    ax.set_ylabel("neuron")


def window_rates_cv(spikes, net: dict) -> tuple:
    """Per-neuron rates (Hz) and ISI CVs (neurons with >= 5 spikes) in the analysed window."""
    t0, t1 = net["t_warmup_ms"], net["t_sim_ms"]
    keep = spikes.in_window(t0)
    rates = spikes.rates_Hz(t0, t1, to_end=True)
    return rates, isi_cv(spikes.index[keep], spikes.times_ms[keep], len(rates), 5)


def draw_population_histograms(ax, values, net: dict, bins, xlabel: str) -> None:
    """Density of a per-neuron quantity, E and I as step histograms."""
    for p, sl in _slices(net).items():
        v = values[sl]
        ax.hist(v[np.isfinite(v)], bins=bins, histtype="step", color=POPULATION[p], density=True,
                label=p)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")


def activity_figure(spikes, st: dict, title: str, n_show=(200, 50)):
    """Raster of a sample of E and I neurons with the population rate over the whole run
    (onset included; the grey band is the warm-up left out of the statistics), and the
    rate and CV histograms of the analysed window. spikes: SpikeTrains of the run."""
    net = st["network"]
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(DOUBLE, 120 * MM))
        gs = fig.add_gridspec(3, 2, height_ratios=[2.2, 1, 1.3], width_ratios=[2, 1])
        ax = fig.add_subplot(gs[0, :])
        draw_raster(ax, spikes, net, n_show)
        ax.set_title(title)
        ax.set_xticklabels([])
        ax = fig.add_subplot(gs[1, :])
        edges = np.arange(0.0, net["t_sim_ms"] + 1e-9, 2.0)
        rate = (np.histogram(spikes.times_ms, edges)[0]
                / ((net["N_E"] + net["N_I"]) * window_s(0.0, 2.0)))
        ax.plot(edges[:-1], rate, "k-", lw=0.6)
        ax.axvspan(0, net["t_warmup_ms"], color="0.9", zorder=-1)
        ax.set_xlim(0.0, net["t_sim_ms"])
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("pop. rate (Hz)")
        rates, cv = window_rates_cv(spikes, net)
        ax = fig.add_subplot(gs[2, 0])
        draw_population_histograms(ax, rates, net, 40, "rate (Hz)")
        ax.legend()
        draw_population_histograms(fig.add_subplot(gs[2, 1]), cv, net, 30, "CV of ISI")
        fig.tight_layout()
    return fig


def ext_sweep_figure(rows: dict, summary: dict, title: str):
    nu, pop = np.asarray(rows["nu_ext_Hz"], float), np.asarray(rows["population"])
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(SINGLE, 70 * MM))
        for p in ("E", "I"):
            k = pop == p
            r = np.asarray(rows["rate_Hz"], float)[k]
            s = summary[p]
            ax.plot(nu[k], r, "o", color=POPULATION[p], ms=3,
                    label=f"{p}: slope {s['slope']:.2f}, R$^2$ {s['r2']:.3f}")
            ax.plot(nu[k], s["intercept"] + s["slope"] * nu[k], "-", color=POPULATION[p], lw=0.8)
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
        fig, ax = plt.subplots(figsize=(SINGLE, 65 * MM))
        ax.plot(t, rows["rate_Hz"], color="0.75", lw=0.5, label="0.5 ms bins")
        ax.plot(t, rows["smooth_Hz"], "k-", lw=0.9, label="1.5 ms smoothed")
        ax.axvline(0, color=GREEN, lw=0.8)
        ax.axvline(summary["response_time_ms"], color=ORANGE, lw=0.8,
                   label=f"63% after {summary['response_time_ms']:.1f} ms\n"
                         f"(tau_m {summary['tau_m_ms']:.1f}, tau_eff {summary['tau_eff_ms']:.2f} ms)")
        ax.set_xlabel(f"time from up-step (ms), mean of {summary['n_steps']} steps")
        ax.set_ylabel("population rate (Hz)")
        ax.set_title(title)
        ax.legend(frameon=False)
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
        fig, axes = plt.subplots(1, 2, figsize=(DOUBLE, 65 * MM))
        ax = axes[0]
        ax.plot(K[k], np.asarray(rows["I_ex_pA"], float)[k], "o-", color=VERMILLION,
                label="excitatory")
        ax.plot(K[k], -np.asarray(rows["I_in_pA"], float)[k], "o-", color=BLUE, label="−inhibitory")
        ax.plot(K[k], np.asarray(rows["I_total_pA"], float)[k], "o-", color=BLACK, label="total")
        _k_axis(ax, K[k])
        ax.set_ylabel("mean input current (pA)")
        ax.legend(frameon=False)
        ax = axes[1]
        ax.plot(K[k], np.asarray(rows["I_total_sd_pA"], float)[k], "o-", color=BLACK)
        _k_axis(ax, K[k])
        ax.set_ylabel("s.d. of total input (pA)")
        fig.suptitle(title)
        fig.tight_layout()
    return fig
