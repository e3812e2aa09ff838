"""Figure of the f-I stage: f-I curves per conductance level and the threshold shift."""

from __future__ import annotations

import numpy as np

from ..io import none_to_nan
from ..plotstyle import DOUBLE, MM, SINGLE, STYLE, VERMILLION, plt


def draw_fi_curves(ax, curves: dict, f: dict, condition: str) -> None:
    """Rate (Hz) vs injected current (pA) per conductance level (dots) with the joint fit
    r = beta [I - I_theta0 - v_theta g]_+ drawn up to 1.5 x its rate band (grey)."""
    m = np.asarray(curves["condition"]) == condition
    I, g, r = curves["I_pA"][m], curves["g_total_nS"][m], curves["rate_Hz"][m]
    levels = np.unique(g)
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(levels)))
    for lev, col in zip(levels, colors):
        k = g == lev
        ax.plot(I[k], r[k], "o", ms=1.2, color=col, label=f"{lev:.1f} nS")
        xs = np.linspace(I[k].min(), I[k].max(), 200)
        ys = f["gain_Hz_per_pA"] * np.clip(xs - f["I_theta0_pA"] - f["v_theta_mV"] * lev, 0, None)
        show = ys <= 1.5 * f["fit_band_Hz"][1]  # the fit holds in its band only
        ax.plot(xs[show], ys[show], "-", lw=0.8, color=col)
    ax.axhspan(*f["fit_band_Hz"], color="0.92", zorder=-1)
    ax.set_xlabel("injected current I (pA)")
    ax.set_ylabel("rate (Hz)")


def fi_shift_figure(curves: dict, fit: dict, title: str):
    """f-I curves per conductance level with the joint fit, and rheobase vs g_total.

    One column per condition: top, rate (Hz) vs I (pA) with the fitted
    r = beta [I - I_theta0 - v_theta g]_+; bottom, rheobase (pA) vs g_total (nS)
    with its regression (slope v_theta_rheobase) and the joint-fit threshold.
    """
    conds = [c for c in ("deterministic", "noisy") if c in fit]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2, len(conds),
                                 figsize=(SINGLE if len(conds) == 1 else DOUBLE, 110 * MM),
                                 squeeze=False)
        for j, c in enumerate(conds):
            f = fit[c]
            ax = axes[0, j]
            draw_fi_curves(ax, curves, f, c)
            ax.set_title(c)
            ax.legend(title="g$_L^{total}$", loc="upper left")
            ax = axes[1, j]
            rheo = none_to_nan(f["rheobase_pA"])
            gl = np.asarray(f["g_total_nS"])
            ax.plot(gl, rheo, "ko", ms=3, label=f"rheobase ({f['rheobase_criterion_Hz']:g} Hz)")
            if f["v_theta_rheobase_mV"] is not None:
                ax.plot(gl, f["I_theta0_rheobase_pA"] + f["v_theta_rheobase_mV"] * gl, "k-",
                        label=f"slope {f['v_theta_rheobase_mV']:.2f} mV")
            ax.plot(gl, f["I_theta0_pA"] + f["v_theta_mV"] * gl, "--", color=VERMILLION,
                    label=f"joint fit, v$_\\theta$ {f['v_theta_mV']:.2f} mV")
            ax.set_xlabel("total membrane conductance g$_L^{total}$ (nS)")
            ax.set_ylabel("threshold current (pA)")
            ax.legend(frameon=False)
        fig.suptitle(title)
        fig.tight_layout()
    return fig
