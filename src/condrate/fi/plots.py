"""Figure of the f-I stage: f-I curves per conductance level and the threshold shift."""

from __future__ import annotations

import numpy as np

from ..io import none_to_nan
from ..plotstyle import STYLE, plt


def fi_shift_figure(curves: dict, fit: dict, title: str):
    """f-I curves per conductance level with the joint fit, and rheobase vs g_total.

    One column per condition: top, rate (Hz) vs I (pA) with the fitted
    r = beta [I - I_theta0 - v_theta g]_+; bottom, rheobase (pA) vs g_total (nS)
    with its regression (slope v_theta_rheobase) and the joint-fit threshold.
    """
    conds = [c for c in ("deterministic", "noisy") if c in fit]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2, len(conds), figsize=(3.4 * len(conds), 4.6), squeeze=False)
        cond_col = np.asarray(curves["condition"])
        for j, c in enumerate(conds):
            f = fit[c]
            m = cond_col == c
            I, g, r = curves["I_pA"][m], curves["g_total_nS"][m], curves["rate_Hz"][m]
            levels = np.unique(g)
            colors = plt.cm.viridis(np.linspace(0, 0.9, len(levels)))
            ax = axes[0, j]
            for lev, col in zip(levels, colors):
                k = g == lev
                ax.plot(I[k], r[k], "o", ms=1.8, color=col, label=f"{lev:.1f} nS")
                xs = np.linspace(I[k].min(), I[k].max(), 200)
                thr = f["I_theta0_pA"] + f["v_theta_mV"] * lev
                ys = f["gain_Hz_per_pA"] * np.clip(xs - thr, 0, None)
                show = ys <= 1.5 * f["fit_band_Hz"][1]  # the fit holds in its band only
                ax.plot(xs[show], ys[show], "-", color=col)
            ax.axhspan(*f["fit_band_Hz"], color="0.9", zorder=-1)
            ax.set_title(f"{c}: v$_\\theta$ = {f['v_theta_mV']:.2f} mV (R$^2$ {f['r2']:.3f})")
            ax.set_xlabel("injected current I (pA)")
            ax.set_ylabel("rate (Hz)")
            ax.legend(title="g$_L^{total}$", frameon=False, loc="upper left")
            ax = axes[1, j]
            rheo = none_to_nan(f["rheobase_pA"])
            gl = np.asarray(f["g_total_nS"])
            ax.plot(gl, rheo, "ko", ms=3, label=f"rheobase ({f['rheobase_criterion_Hz']:g} Hz)")
            if f["v_theta_rheobase_mV"] is not None:
                ax.plot(gl, f["I_theta0_rheobase_pA"] + f["v_theta_rheobase_mV"] * gl, "k-",
                        label=f"slope {f['v_theta_rheobase_mV']:.2f} mV")
            ax.plot(gl, f["I_theta0_pA"] + f["v_theta_mV"] * gl, "--", color="tab:red",
                    label="I$_{\\theta0}$ + v$_\\theta$ g (joint fit)")
            ax.set_xlabel("total membrane conductance g$_L^{total}$ (nS)")
            ax.set_ylabel("threshold current (pA)")
            ax.legend(frameon=False)
        fig.suptitle(title)
        fig.tight_layout()
    return fig
