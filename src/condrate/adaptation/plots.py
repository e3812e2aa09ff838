"""Figure of the adaptation stage: adapted f-I against its prediction, and the gain."""

from __future__ import annotations

import numpy as np

from ..plotstyle import DOUBLE, MM, STYLE, VERMILLION, plt


def adaptation_figure(rows: dict, summary: dict, step: dict, title: str):
    """Left: steady-state rate (Hz) vs current (pA) without added conductance,
    deterministic, per adaptation strength: NEST (dots), the prediction from the
    reference f-I and the averaged variable (lines), the reference (grey). Middle: the
    gain at the largest added conductance over the gain without, vs strength, NEST
    (dots) and predicted (line): where "conductance shifts the threshold, not the
    slope" stops holding. Right: the population rate after a step of the current, NEST
    and the rate equations with the averaged variables, with the fitted slow time
    constants."""
    cols = {k: np.asarray(v) for k, v in rows.items()}
    with plt.rc_context(STYLE):
        fig, (left, right, third) = plt.subplots(1, 3, figsize=(DOUBLE, 65 * MM))
        strengths = np.unique(cols["strength"])
        colors = plt.cm.viridis(np.linspace(0, 0.85, len(strengths)))
        base = (cols["condition"] == "deterministic") & (cols["delta_g_nS"] == cols["delta_g_nS"].min())
        for s, col in zip(strengths, colors):
            k = base & (cols["strength"] == s)
            left.plot(cols["I_pA"][k], cols["rate_Hz"][k], "o", ms=1.5, color=col,
                      label=f"strength {s:g}")
            left.plot(cols["I_pA"][k], cols["predicted_Hz"][k], "-", lw=0.8, color=col)
        k = base & (cols["strength"] == strengths[0])
        left.plot(cols["I_pA"][k], cols["reference_Hz"][k], "-", lw=0.8, color="0.6",
                  label="reference")
        left.axhspan(*summary["band_Hz"], color="0.93", zorder=-1)
        left.set_xlabel("injected current I (pA)")
        left.set_ylabel("steady-state rate (Hz)")
        left.legend(frameon=False, loc="upper left")
        for cond, marker in (("deterministic", "o"), ("noisy", "s")):
            parts = [p for p in summary["parts"] if p["condition"] == cond]
            if not parts:
                continue
            x = [p["strength"] for p in parts]
            right.plot(x, [p["gain_ratio_nest"] or np.nan for p in parts], marker, color="k",
                       ms=3, label=f"NEST, {cond}")
            right.plot(x, [p["gain_ratio_predicted"] or np.nan for p in parts], "-",
                       color=VERMILLION, lw=0.8, label=f"predicted, {cond}")
        right.axhline(1.0, color="0.6", lw=0.5)
        right.set_xlabel("adaptation strength (x the model file's)")
        right.set_ylabel("gain at largest Δg / gain at Δg = 0")
        right.legend(frameon=False)
        t0 = step["step"]["t_ms"]
        t = np.asarray(step["t_ms"]) - t0
        show = (t >= -300) & (t <= 1000)
        third.plot(t[show], np.asarray(step["rate_nest_Hz"])[show], "-", color="k", lw=0.6,
                   label=f"NEST, τ {step['nest']['tau_ms']:.0f} ms")
        third.plot(t[show], np.asarray(step["rate_predicted_Hz"])[show], "-", color=VERMILLION,
                   lw=0.9, label=f"rate equations, τ {step['predicted']['tau_ms']:.0f} ms")
        third.set_xlabel("time after the step (ms)")
        third.set_ylabel("population rate (Hz)")
        third.legend(frameon=False)
        fig.suptitle(title)
        fig.tight_layout()
    return fig
