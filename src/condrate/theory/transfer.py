"""Fluctuation-aware firing rate under conductance noise: the quasi-static average.

Why by hand: the diffusion-approximation tools of the field (Siegert's formula, as
in NNMT) assume current input whose correlation time is short against the membrane
time constant. In condrate's balanced networks the opposite holds: the total
conductance is 10-20 x g_L, so tau_eff = C_m / g_total is 0.5-2 ms while the
synaptic conductances decay with 5-10 ms. Siegert with the Fourcaud-Brunel
correction then predicts silence where NEST's neurons fire 10-30 Hz (checked on the
tiny open-loop grid). In this slow-synapse limit the neuron follows its conductances
adiabatically (Moreno-Bote & Parga 2004): the rate is the deterministic rate at the
momentary conductances, averaged over their distribution.

The conductances are Gaussian with Campbell's moments for K Poisson inputs of rate r
(condrate.synapses.SynapticInput).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..units import MS_PER_S


def conductance_moments(sources, var_scale=None) -> dict:
    """{"excitatory"/"inhibitory": (mean nS, variance nS^2, E_rev mV)}.

    sources: (SynapticInput, rate_Hz) pairs; streams of the same kind add up.
    var_scale: optional factor per source multiplying Campbell's (Poisson) variance,
    e.g. the Fano factor of non-Poisson input trains."""
    out = {}
    scales = var_scale if var_scale is not None else [1.0] * len(sources)
    for (inp, rate), scale in zip(sources, scales):
        mean, var, _ = out.get(inp.kind, (0.0, 0.0, inp.E_rev_mV))
        out[inp.kind] = (mean + inp.mean_nS(rate), var + inp.variance_nS2(rate, scale),
                         inp.E_rev_mV)
    return out


@lru_cache(maxsize=None)
def _gauss_hermite(n_nodes: int) -> tuple:
    """Probabilists' Gauss-Hermite nodes and normalised weights (computed once per order:
    numpy's hermegauss solves an eigenproblem on every call, 0.4 ms, which was 2/3 of the
    closed-loop and feedback stages' time)."""
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    x.flags.writeable = False
    w = w / w.sum()
    w.flags.writeable = False
    return x, w


def quasi_static_average(rate_at, moments: dict, n_nodes: int = 24) -> float:
    """Average of rate_at(g_e, g_i) (arrays, nS) over independent Gaussian g_e, g_i
    (Gauss-Hermite quadrature, conductances clipped at 0)."""
    x, w = _gauss_hermite(n_nodes)
    me, ve, _ = moments.get("excitatory", (0.0, 0.0, 0.0))
    mi, vi, _ = moments.get("inhibitory", (0.0, 0.0, 0.0))
    ge = np.clip(me + math.sqrt(ve) * x, 0, None)[:, None]
    gi = np.clip(mi + math.sqrt(vi) * x, 0, None)[None, :]
    return float(np.sum(w[:, None] * w[None, :] * rate_at(ge, gi)))


def lif_rate_det(model, E_e, E_i, I_ext_pA=0.0):
    """r(g_e, g_i) (Hz) of an integrate-and-fire neuron at constant conductances:
    1 / (t_ref + tau ln((mu - V_r)/(mu - V_th))) above threshold, else 0, with
    mu = (g_L E_L + g_e E_e + g_i E_i + I) / g_0 and tau = C_m / g_0."""
    p = model.params
    V_th, V_r, t_ref, C = (float(p[model.threshold]), float(p["V_reset"]), float(p["t_ref"]),
                           float(p["C_m"]))

    def rate(ge, gi):
        g0 = model.g_L_nS + ge + gi
        mu = (model.g_L_nS * model.E_L_mV + ge * E_e + gi * E_i + I_ext_pA) / g0
        with np.errstate(divide="ignore", invalid="ignore"):
            T = t_ref + C / g0 * np.log((mu - V_r) / (mu - V_th))
            return np.where(mu > V_th, MS_PER_S / T, 0.0)

    return rate
