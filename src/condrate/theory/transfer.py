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


# Nodes computed once per order: numpy solves an eigenproblem on every call of hermegauss
# and leggauss (0.4 ms, once 2/3 of the closed-loop and feedback stages' time).
@lru_cache(maxsize=None)
def _gauss_hermite(n_nodes: int) -> tuple:
    """Probabilists' Gauss-Hermite nodes and normalised weights."""
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    w = w / w.sum()
    x.flags.writeable = w.flags.writeable = False
    return x, w


@lru_cache(maxsize=None)
def _gauss_legendre(n_nodes: int) -> tuple:
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    x.flags.writeable = w.flags.writeable = False
    return x, w


# Panel edges (in standard deviations) from the firing boundary: the rate rises from 0
# there like 1/ln(1/distance), so the panels shrink geometrically towards it
NEAR_BOUNDARY = np.array([0.0, 1e-8, 1e-6, 1e-4, 1e-2, 0.1, 0.4])
PANEL_WIDTH = 2.0  # standard deviations, beyond 0.4 from the boundary
LEGENDRE_NODES = 8  # per panel
HERMITE_NODES = 24  # along the boundary, where the rate is smooth
TAIL = 9.0  # standard deviations: the Gaussian weight beyond is < 1e-18


def _panels(lo: float, hi: float, graded: bool) -> tuple:
    """Composite Gauss-Legendre nodes and weights on [lo, hi], graded towards lo."""
    x, w = _gauss_legendre(LEGENDRE_NODES)
    span = hi - lo
    near = NEAR_BOUNDARY if graded else NEAR_BOUNDARY[:1]
    edges = lo + np.concatenate([near[near < span],
                                 np.arange(near[-1] + PANEL_WIDTH, span, PANEL_WIDTH), [span]])
    a, b = edges[:-1, None], edges[1:, None]
    return ((b - a) / 2 * x + (a + b) / 2).ravel(), ((b - a) / 2 * w).ravel()


def quasi_static_average(rate_at, moments: dict) -> float:
    """Average of rate_at(g_e, g_i) (arrays, nS) over independent Gaussian g_e, g_i with
    the given moments (conductances clipped at 0).

    ``rate_at.firing_half_plane`` = (a_e, a_i, c): the neuron fires only where
    a_e g_e + a_i g_i + c > 0 (mV, mV, pA), a straight line in the conductance plane for
    every neuron whose momentary rate has a fixed threshold. In standard normal
    coordinates rotated so that u runs across that line and v along it (u, v again
    independent standard normals), the average is a 1-D integral over u from the line
    (composite Gauss-Legendre, panels graded towards the line, where the rate rises like
    1/ln) of a smooth one over v (Gauss-Hermite). A tensor Gauss-Hermite rule over (g_e,
    g_i) converges slowly across the kink at the line: with 24 x 24 nodes it was +5 % at
    iaf_cond_exp's operating point and -11 % at (40, 20, 20) Hz; this rule is within
    0.05 % of a 3000 x 3000 midpoint reference there and at sub-Hz and saturated
    conditions (tests/theory/test_transfer.py).
    """
    a_e, a_i, c = rate_at.firing_half_plane
    me, ve, _ = moments.get("excitatory", (0.0, 0.0, 0.0))
    mi, vi, _ = moments.get("inhibitory", (0.0, 0.0, 0.0))
    se, si = math.sqrt(ve), math.sqrt(vi)
    A, B, C = a_e * se, a_i * si, a_e * me + a_i * mi + c  # fires where A x + B y + C > 0
    norm = math.hypot(A, B)
    if norm == 0.0:  # no fluctuation across the line: the momentary rate at the mean
        return float(rate_at(np.array([[max(me, 0.0)]]), np.array([[max(mi, 0.0)]]))[0, 0])
    u0 = -C / norm
    if u0 >= TAIL:
        return 0.0
    u, wu = _panels(max(u0, -TAIL), TAIL, graded=u0 > -TAIL)
    wu = wu * np.exp(-u * u / 2) / math.sqrt(2 * math.pi)
    v, wv = _gauss_hermite(HERMITE_NODES)
    x = (u[:, None] * A - v[None, :] * B) / norm
    y = (u[:, None] * B + v[None, :] * A) / norm
    ge = np.clip(me + se * x, 0, None)
    gi = np.clip(mi + si * y, 0, None)
    return float(np.sum(wu[:, None] * wv[None, :] * rate_at(ge, gi)))


def threshold_linear_rate(beta, v_theta_mV, I_theta0_pA, g_L_nS, E_L_mV, E_e, E_i,
                          I_ext_pA=0.0):
    """r(g_e, g_i) (Hz) of the derivation's threshold-linear f at constant conductances:
    beta [I + g_e (E_e - E_L) + g_i (E_i - E_L) - I_theta0 - v_theta (g_L + g_e + g_i)]_+
    (beta Hz/pA, potentials mV, conductances nS, currents pA)."""
    a_e, a_i = E_e - E_L_mV - v_theta_mV, E_i - E_L_mV - v_theta_mV
    c = I_ext_pA - I_theta0_pA - v_theta_mV * g_L_nS

    def rate(ge, gi):
        return beta * np.clip(a_e * ge + a_i * gi + c, 0.0, None)

    rate.firing_half_plane = (a_e, a_i, c)
    return rate


def lif_rate_det(model, E_e, E_i, I_ext_pA=0.0):
    """r(g_e, g_i) (Hz) of an integrate-and-fire neuron at constant conductances:
    1 / (t_ref + tau ln((mu - V_r)/(mu - V_th))) above threshold, else 0, with
    mu = (g_L E_L + g_e E_e + g_i E_i + I) / g_0 and tau = C_m / g_0."""
    V_th, V_r, t_ref, C = model.V_th_mV, model.V_reset_mV, model.t_ref_ms or 0.0, model.C_m_pF

    def rate(ge, gi):
        g0 = model.g_L_nS + ge + gi
        mu = (model.g_L_nS * model.E_L_mV + ge * E_e + gi * E_i + I_ext_pA) / g0
        with np.errstate(divide="ignore", invalid="ignore"):
            T = t_ref + C / g0 * np.log((mu - V_r) / (mu - V_th))
            return np.where(mu > V_th, MS_PER_S / T, 0.0)

    # mu > V_th  <=>  g_e (E_e - V_th) + g_i (E_i - V_th) + g_L (E_L - V_th) + I > 0
    rate.firing_half_plane = (E_e - V_th, E_i - V_th,
                              model.g_L_nS * (model.E_L_mV - V_th) + I_ext_pA)
    return rate
