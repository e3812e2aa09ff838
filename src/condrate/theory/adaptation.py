"""Adaptation as the lecture's "another averaged variable" (seed 000, line 45).

A neuron model's file declares its adaptation mechanisms under ``adaptation`` (names of
its parameters; no code names them): spike-triggered currents (AdEx's ``b``, ``tau_w``;
GLIF's after-spike currents), a subthreshold adaptation conductance (AdEx's ``a``), and
a spike-dependent threshold (GLIF's). Averaged over a steady firing rate r, each is a
function of r and of the model's parameters alone, never of a fit to the adapted f-I:

- a spike current that jumps by dI at every spike (I <- f I + dI) and decays at rate k:
  mean dI r / k for f = 1 (exactly, for any stationary spike train: a linear filter);
  for f != 1 the mean of periodic firing, dI (1 - e^{-kT}) / ((1 - f e^{-kT}) k T),
  T = 1/r;
- a subthreshold current a (V - E_L), slow (tau_w much longer than an ISI): a (V_bar - E_L)
  with V_bar the time-averaged membrane potential;
- a threshold that jumps by dTheta at every spike and decays at rate b_s: mean
  dTheta r / b_s, which raises the current threshold by g dTheta r / b_s (g the total
  membrane conductance).

The steady state of the rate equation with the averaged current A(r) subtracted from the
input, r = f(I - A(r)), is solved by bisection (A grows with r, f with its argument: one
root). For a threshold-linear f = beta [I - I_theta]_+ and A = J r, the adapted gain is
beta_a = beta / (1 + beta J); the averaged variable relaxes with tau_a, and after a step
of the input the rate overshoots by the factor 1 + beta J and settles with the slow time
constant tau_a / (1 + beta J).

Where the interspike interval approaches the slow time constants (strong adaptation, low
rates) :func:`interval_rate` follows each mechanism along the interval instead of
averaging it: the period at which one interval's phase integral of f(I + A(t)) is one
spike.

Units: currents pA, conductances nS, potentials mV, rates Hz, times ms (rates of decay
1/ms); J in pA/Hz.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from scipy import optimize


@dataclass(frozen=True)
class SpikeCurrent:
    """A current (pA; negative: hyperpolarising, it adds to the membrane current as NEST's
    GLIF after-spike currents do) that jumps by ``jump_pA`` at every spike after being
    multiplied by ``reset_factor``, and decays at ``decay_per_ms``. AdEx's w is one with
    jump -b (w is subtracted) and decay 1/tau_w."""

    jump_pA: float
    decay_per_ms: float
    reset_factor: float = 1.0
    strength: str = ""   # the model's parameter that sets jump_pA

    @property
    def tau_ms(self) -> float:
        return 1.0 / self.decay_per_ms

    def mean_pA(self, rate_Hz: float) -> float:
        """Time-averaged current at a steady rate (pA): exact for reset_factor 1 and any
        stationary train, periodic firing otherwise."""
        if rate_Hz <= 0:
            return 0.0
        k, f = self.decay_per_ms, self.reset_factor
        if f == 1.0:
            return self.jump_pA * rate_Hz / (1000.0 * k)
        kT = k * 1000.0 / rate_Hz
        return self.jump_pA * (-math.expm1(-kT)) / ((1.0 - f * math.exp(-kT)) * kT)


@dataclass(frozen=True)
class SubthresholdAdaptation:
    """A slow current -a (V - E_L) (AdEx's a term; pA), averaged: -a (V_bar - E_L)."""

    conductance_nS: float
    tau_ms: float
    strength: str = ""   # the model's parameter that sets conductance_nS

    def mean_pA(self, V_bar_mV: float, E_L_mV: float) -> float:
        return -self.conductance_nS * (V_bar_mV - E_L_mV)


@dataclass(frozen=True)
class SpikeThreshold:
    """A threshold component that jumps by ``jump_mV`` at every spike and decays at
    ``decay_per_ms`` (GLIF's spike-dependent threshold)."""

    jump_mV: float
    decay_per_ms: float
    strength: str = ""   # the model's parameter that sets jump_mV

    @property
    def tau_ms(self) -> float:
        return 1.0 / self.decay_per_ms

    def mean_mV(self, rate_Hz: float) -> float:
        return self.jump_mV * max(rate_Hz, 0.0) / (1000.0 * self.decay_per_ms)


@dataclass(frozen=True)
class Adaptation:
    """Every adaptation mechanism of one model, with the membrane it acts on."""

    currents: tuple = ()
    subthreshold: SubthresholdAdaptation | None = None
    thresholds: tuple = ()

    @property
    def empty(self) -> bool:
        return not (self.currents or self.subthreshold or self.thresholds)

    def mean_current_pA(self, rate_Hz: float, g_total_nS: float, V_bar_mV: float | None = None,
                        E_L_mV: float | None = None) -> float:
        """The averaged adaptation as an input current (pA, negative: it opposes firing):
        the spike currents, the subthreshold term at V_bar, and each threshold shift as
        the current g_total x shift that it takes to cross it."""
        out = sum(c.mean_pA(rate_Hz) for c in self.currents)
        if self.subthreshold is not None:
            out += self.subthreshold.mean_pA(V_bar_mV, E_L_mV)
        out -= g_total_nS * sum(t.mean_mV(rate_Hz) for t in self.thresholds)
        return out

    def interval_current_pA(self, t_ms, rate_Hz: float, g_total_nS: float,
                            V_bar_mV: float | None = None, E_L_mV: float | None = None):
        """The adaptation as an input current (pA) along one interspike interval of
        periodic firing at ``rate_Hz``, at times ``t_ms`` (array) after the spike: each
        spike current I_j0 e^{-k_j t} with I_j0 = dI_j / (1 - f_j e^{-k_j T}) (the value
        that one interval's decay, reset factor and jump give back), each threshold
        component as the current -g_total Theta_0 e^{-b t}, Theta_0 = dTheta / (1 -
        e^{-b T}); the subthreshold term at its mean (the membrane potential it follows
        moves within the interval faster than it does). Its mean over the interval is
        :meth:`mean_current_pA`."""
        import numpy as np

        t = np.asarray(t_ms, dtype=float)
        T = 1000.0 / rate_Hz
        out = np.zeros_like(t)
        for c in self.currents:
            decay = math.exp(-c.decay_per_ms * T)
            out += c.jump_pA / (1.0 - c.reset_factor * decay) * np.exp(-c.decay_per_ms * t)
        for th in self.thresholds:
            out -= g_total_nS * th.jump_mV / -math.expm1(-th.decay_per_ms * T) * np.exp(
                -th.decay_per_ms * t)
        if self.subthreshold is not None:
            out += self.subthreshold.mean_pA(V_bar_mV, E_L_mV)
        return out

    def J_pA_per_Hz(self, g_total_nS: float) -> float:
        """Averaged adaptation per unit rate at low rates (pA/Hz, positive: it opposes
        firing): sum of -jump/k of the currents and g x jump/b_s of the thresholds."""
        return (-sum(c.jump_pA / (1000.0 * c.decay_per_ms) for c in self.currents)
                + g_total_nS * sum(t.jump_mV / (1000.0 * t.decay_per_ms) for t in self.thresholds))

    def mechanisms(self) -> list:
        return [*self.currents, *self.thresholds,
                *([self.subthreshold] if self.subthreshold else [])]

    def records(self) -> list:
        """Each mechanism as a JSON record: kind, the parameter that sets its strength,
        time constant (ms)."""
        return [{"kind": type(m).__name__, "strength_parameter": m.strength, "tau_ms": m.tau_ms}
                for m in self.mechanisms()]

    def time_constants_ms(self) -> list:
        return [m.tau_ms for m in self.mechanisms()]

    def slow(self, slow_ms: float) -> "Adaptation":
        """The mechanisms with a time constant of at least ``slow_ms``: the averaged
        variables. Faster ones act within an interspike interval, where their mean is no
        guide to the rate; they stay part of the reference neuron."""
        keep = lambda m: m.tau_ms >= slow_ms  # noqa: E731
        return Adaptation(tuple(filter(keep, self.currents)),
                          self.subthreshold if self.subthreshold and keep(self.subthreshold)
                          else None, tuple(filter(keep, self.thresholds)))

    def scaled(self, factor: float) -> "Adaptation":
        """Every strength times ``factor`` (time constants kept)."""
        return Adaptation(
            tuple(SpikeCurrent(c.jump_pA * factor, c.decay_per_ms, c.reset_factor, c.strength)
                  for c in self.currents),
            SubthresholdAdaptation(self.subthreshold.conductance_nS * factor,
                                   self.subthreshold.tau_ms, self.subthreshold.strength)
            if self.subthreshold else None,
            tuple(SpikeThreshold(t.jump_mV * factor, t.decay_per_ms, t.strength)
                  for t in self.thresholds))


def strength_overrides(params: dict, adaptation: Adaptation, factor: float) -> dict:
    """NEST parameter overrides that scale the strength of every mechanism of
    ``adaptation`` by ``factor`` (0: the reference neuron without them). ``params``: the
    model's parameters; a strength ``name[i]`` scales element i of a list."""
    out = {}
    for mech in adaptation.mechanisms():
        name, _, index = mech.strength.partition("[")
        value = out.get(name, params[name])
        if index:
            value = list(value)
            value[int(index.rstrip("]"))] = value[int(index.rstrip("]"))] * factor + 0.0
        else:
            value = value * factor + 0.0  # no -0.0
        out[name] = value
    return out


def adapted_gain(beta_Hz_per_pA: float, J_pA_per_Hz: float) -> float:
    """Gain of the steady state of r = beta [I - I_theta - J r]_+ (Hz/pA)."""
    return beta_Hz_per_pA / (1.0 + beta_Hz_per_pA * J_pA_per_Hz)


def step_response(beta_Hz_per_pA: float, J_pA_per_Hz: float, tau_a_ms: float) -> dict:
    """The two-variable rate equation's answer to a step of the input above threshold:
    overshoot (initial / steady-state rate) and the slow relaxation time constant (ms)."""
    k = 1.0 + beta_Hz_per_pA * J_pA_per_Hz
    return {"overshoot": k, "tau_slow_ms": tau_a_ms / k}


def lif_mean_voltage(rate_Hz: float, V_reset_mV: float, V_th_mV: float, t_ref_ms: float,
                     tau_m_ms: float) -> float:
    """Time-averaged membrane potential (mV) of a leaky integrator that fires
    periodically at ``rate_Hz``: held at V_reset for t_ref, then relaxing towards the
    V_inf that reaches V_th after the rest of the interval; V_th, its limit, at rate 0."""
    if rate_Hz <= 0:
        return V_th_mV
    T = 1000.0 / rate_Hz
    t_up = T - t_ref_ms
    if t_up <= 0:
        return V_th_mV
    e = math.exp(-t_up / tau_m_ms)
    V_inf = (V_th_mV - V_reset_mV * e) / (1.0 - e)
    # integral of V_inf + (V_reset - V_inf) e^{-t/tau} over [0, t_up]
    rising = V_inf * t_up + (V_reset_mV - V_inf) * tau_m_ms * (1.0 - e)
    return (t_ref_ms * V_reset_mV + rising) / T


def adapted_rate(I_pA: float, f0: Callable[[float], float], adaptation: Adaptation,
                 g_total_nS: float, V_bar: Callable[[float], float] | None = None,
                 E_L_mV: float | None = None, r_max_Hz: float = 1000.0) -> float:
    """Steady-state rate (Hz) of r = f0(I + A(r)): f0 the non-adapting neuron's f-I
    (rate at a constant current, Hz), A the averaged adaptation current at rate r (pA);
    V_bar(r): time-averaged potential at rate r (for a subthreshold term; e.g.
    :func:`lif_mean_voltage`, which tends to V_th as r -> 0, so that the rheobase
    becomes (g_L + a)(V_th - E_L) as AdEx's does)."""

    if adaptation.subthreshold is not None and (V_bar is None or E_L_mV is None):
        raise ValueError("a subthreshold adaptation needs V_bar(r) and E_L")

    def mismatch(r):
        vb = V_bar(r) if adaptation.subthreshold is not None else None
        return f0(I_pA + adaptation.mean_current_pA(r, g_total_nS, vb, E_L_mV)) - r

    if mismatch(1e-9) <= 0:
        return 0.0
    if mismatch(r_max_Hz) > 0:
        return r_max_Hz
    return float(optimize.brentq(mismatch, 1e-9, r_max_Hz, xtol=1e-6))


def interval_phase(T_ms: float, I_pA: float, f0, adaptation: Adaptation, g_total_nS: float,
                   V_bar=None, E_L_mV: float | None = None, tol: float = 1e-5) -> float:
    """Spikes' worth of phase, integral over one interval [0, T] of f0(I + A_T(t)) dt, with
    A_T the adaptation current along an interval of periodic firing with period T
    (:meth:`Adaptation.interval_current_pA`); f0 vectorised (pA -> Hz), T in ms.
    Trapezoid rule on a grid refined until halving its step changes the phase by less
    than ``tol`` spikes (relative above one spike; the root sought is one spike, so the
    rate is then good to about ``tol`` relative). Written here, not scipy's adaptive
    quad: f0 from NEST's counts is piecewise linear and an LIF's f0 has an infinite slope
    at its rheobase, whose kinks quad chases point by point; a grid that has not
    converged at 2^18 points raises."""
    import numpy as np
    from scipy import integrate

    rate = 1000.0 / T_ms
    vb = V_bar(rate) if adaptation.subthreshold is not None else None

    def phase(n):
        t = np.linspace(0.0, T_ms, n)
        current = adaptation.interval_current_pA(t, rate, g_total_nS, vb, E_L_mV)
        return float(integrate.trapezoid(f0(I_pA + current), t)) / 1000.0

    n, coarse = 257, phase(257)
    while n < 2 ** 18:
        n = 2 * n - 1
        fine = phase(n)
        if abs(fine - coarse) <= tol * max(1.0, abs(fine)):
            return fine
        coarse = fine
    raise RuntimeError(f"interval_phase: quadrature not converged at T = {T_ms} ms, "
                       f"I = {I_pA} pA ({n} points)")


def interval_rate(I_pA: float, f0, adaptation: Adaptation, g_total_nS: float, V_bar=None,
                  E_L_mV: float | None = None, r_min_Hz: float = 0.01,
                  r_max_Hz: float = 1000.0) -> float:
    """Steady rate (Hz) of periodic firing with the slow mechanisms followed along the
    interspike interval instead of averaged over it: the period T at which the phase
    integral over one interval of f0(I + A_T(t)) is one spike (:func:`interval_phase`),
    f0 the reference neuron's f-I (vectorised). It takes the adaptation as quasi-static
    for the membrane (time constants much longer than C / g) but not for the interval:
    where T approaches the mechanisms' time constants (strong adaptation, low rates) the
    current falls within the interval and the averaged :func:`adapted_rate` misses
    that. For a threshold-linear f0 that the current never pushes below threshold, with
    every reset factor f_j = 1, it is the averaged steady state; 0 below r_min_Hz."""
    if adaptation.subthreshold is not None and (V_bar is None or E_L_mV is None):
        raise ValueError("a subthreshold adaptation needs V_bar(r) and E_L")

    def mismatch(log_T):
        return interval_phase(math.exp(log_T), I_pA, f0, adaptation, g_total_nS, V_bar,
                              E_L_mV) - 1.0

    lo, hi = math.log(1000.0 / r_max_Hz), math.log(1000.0 / r_min_Hz)
    if mismatch(hi) < 0:
        return 0.0
    if mismatch(lo) >= 0:
        return r_max_Hz
    return 1000.0 / math.exp(optimize.brentq(mismatch, lo, hi, xtol=1e-9))


def from_model(model) -> Adaptation:
    """The :class:`Adaptation` a :class:`condrate.params.NeuronModel` declares."""
    spec = getattr(model, "adaptation", None) or {}
    value = lambda ref: model.param_value(ref)  # noqa: E731
    currents = []
    for c in spec.get("spike_currents", []):
        decay = 1.0 / value(c["tau"]) if "tau" in c else value(c["decay_rate"])
        sign = -1.0 if c.get("subtracted", False) else 1.0
        currents.append(SpikeCurrent(sign * value(c["jump"]), decay,
                                     value(c["reset_factor"]) if "reset_factor" in c else 1.0,
                                     c["jump"]))
    sub = spec.get("subthreshold")
    thresholds = [SpikeThreshold(value(t["jump"]), value(t["decay_rate"]), t["jump"])
                  for t in spec.get("spike_thresholds", [])]
    return Adaptation(
        currents=tuple(currents),
        subthreshold=SubthresholdAdaptation(value(sub["conductance"]), value(sub["tau"]),
                                            sub["conductance"]) if sub else None,
        thresholds=tuple(thresholds))


def mechanism_mean_pA(mech, rate_Hz: float, g_total_nS: float, V_bar=None,
                      E_L_mV: float | None = None) -> float:
    """One mechanism's averaged current at ``rate_Hz`` (pA, negative: it opposes firing)."""
    if isinstance(mech, SpikeCurrent):
        return mech.mean_pA(rate_Hz)
    if isinstance(mech, SpikeThreshold):
        return -g_total_nS * mech.mean_mV(rate_Hz)
    return mech.mean_pA(V_bar(rate_Hz), E_L_mV)


def rate_dynamics(I_pA: Callable[[float], float], f0: Callable[[float], float],
                  adaptation: Adaptation, g_total_nS: float, t_end_ms: float,
                  dt_ms: float = 0.1, V_bar=None, E_L_mV: float | None = None):
    """The rate equations with one slow variable per mechanism, from the steady state at
    I(0): r(t) = f0(I(t) + sum_j A_j), tau_j dA_j/dt = A_j,inf(r) - A_j, each A_j,inf the
    mechanism's mean at rate r (the rate follows its input at once: the adaptation time
    constants are the slow ones). Returns (t_ms, r_Hz) arrays; exponential Euler."""
    import numpy as np

    mechs = adaptation.mechanisms()
    r0 = adapted_rate(I_pA(0.0), f0, adaptation, g_total_nS, V_bar, E_L_mV)
    A = np.array([mechanism_mean_pA(m, r0, g_total_nS, V_bar, E_L_mV) for m in mechs])
    decay = np.exp(-dt_ms / np.array([m.tau_ms for m in mechs]))
    t = np.arange(0.0, t_end_ms + dt_ms / 2, dt_ms)
    r = np.empty_like(t)
    for k, now in enumerate(t):
        r[k] = max(f0(I_pA(now) + A.sum()), 0.0)
        target = np.array([mechanism_mean_pA(m, r[k], g_total_nS, V_bar, E_L_mV) for m in mechs])
        A = target + (A - target) * decay
    return t, r


def fit_relaxation(t_ms, r_Hz, t_step_ms: float, skip_ms: float, interval: bool = False) -> dict:
    """The slow component of the rate after a step: r_inf + A exp(-(t - t_step) / tau)
    fitted from ``skip_ms`` after the step on (the fast transient of the membrane and of
    the fast mechanisms excluded). r_before (mean over the second before the step),
    r_peak (the largest bin after the step), r_inf (Hz), tau_ms, and the overshoot of the
    slow component, (r_inf + A) / r_inf: the rate the slow variables alone hold up at the
    step, over the steady rate. ``interval``: with the 95 % interval of tau and of the
    amplitude from the fit's covariance (normal approximation), where no resampling of
    neurons is at hand (a population rate averaged over steps).

    Times ms, rates Hz."""
    import numpy as np
    from scipy import optimize

    t, r = np.asarray(t_ms, dtype=float), np.asarray(r_Hz, dtype=float)
    before = r[(t >= t_step_ms - 1000.0) & (t < t_step_ms)].mean()
    after = t >= t_step_ms
    fit = t >= t_step_ms + skip_ms
    x, y = t[fit] - t_step_ms, r[fit]
    late = y[x >= 0.7 * x.max()].mean()
    guess = (late, max(y[: max(3, len(y) // 50)].max() - late, 0.0), 50.0)

    def shape(x, r_inf, amplitude, tau):
        return r_inf + amplitude * np.exp(-x / tau)

    (r_inf, amplitude, tau), cov = optimize.curve_fit(
        shape, x, y, p0=guess, bounds=([0.0, -np.inf, 0.5], [np.inf, np.inf, 5000.0]))
    out = {"r_before_Hz": float(before), "r_peak_Hz": float(r[after].max()),
           "r_inf_Hz": float(r_inf), "tau_ms": float(tau), "skip_ms": float(skip_ms),
           "overshoot": float((r_inf + amplitude) / r_inf) if r_inf > 0 else None}
    if interval:
        sd = np.sqrt(np.diag(cov)) * 1.96
        out |= {"tau_interval_ms": [float(tau - sd[2]), float(tau + sd[2])],
                "amplitude_Hz": float(amplitude),
                "amplitude_interval_Hz": [float(amplitude - sd[1]), float(amplitude + sd[1])]}
    return out
