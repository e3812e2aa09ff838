"""Figures of the rate-theory verification."""

from __future__ import annotations

import numpy as np

from .netplots import label_rate_vs_input
from .plotting import STYLE, plt


def _col(rows, key):
    return np.array([np.nan if v is None else v for v in rows[key]], float)


def predicted_vs_simulated(rows: dict, summ: dict, title: str):
    exp = np.asarray(rows["experiment"])
    sim = _col(rows, "simulated_Hz")
    top = 2 * np.nanmax(sim)  # predictions beyond are drawn on the upper edge
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.0), sharey=True)
        for ax, f, label in ((axes[0], "linear", "threshold-linear f"),
                             (axes[1], "fluct", "fluctuation-aware f")):
            pred = np.minimum(_col(rows, f"predicted_Hz_{f}"), top)
            for e, mk, col in (("open_loop", "o", "tab:purple"), ("closed_loop", "s", "tab:orange")):
                k = exp == e
                s = summ.get(e, {}).get(f, {})
                med = s.get("median_rel_error")
                ax.plot(sim[k], pred[k], mk, ms=3, color=col, alpha=0.8,
                        label=f"{e.replace('_', ' ')}: median err "
                              f"{'n/a' if med is None else f'{100 * med:.0f}%'}")
            ax.plot([0, top], [0, top], "k-", lw=0.6)
            for axis in (ax.set_xscale, ax.set_yscale):
                axis("symlog", linthresh=1.0)
            ax.set_xlim(0, top)
            ax.set_ylim(0, top * 1.05)
            ax.set_title(label)
            ax.set_xlabel("simulated rate (Hz)")
            ax.legend(frameon=False, loc="upper left")
        axes[0].set_ylabel("predicted rate (Hz; clipped at the top)")
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def rates_vs_input(rows: dict, curves: dict, title: str):
    exp, pop = np.asarray(rows["experiment"]), np.asarray(rows["population"])
    nu = np.array([float(c.split("=")[1]) if e == "closed_loop" else np.nan
                   for c, e in zip(rows["condition"], exp)])
    sim = _col(rows, "simulated_Hz")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(3.4, 2.8))
        for p, col in (("E", "tab:red"), ("I", "tab:blue")):
            k = (exp == "closed_loop") & (pop == p)
            ax.plot(nu[k], sim[k], "o", ms=3, color=col, label=f"NEST {p}")
        ax.plot(curves["nu_ext_Hz"], curves["linear"], "k--", lw=0.8, label="threshold-linear f")
        ax.plot(curves["nu_ext_Hz"], curves["fluct"], "k-", lw=0.8, label="fluctuation-aware f")
        label_rate_vs_input(ax, title)
        fig.tight_layout()
    return fig
