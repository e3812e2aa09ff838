"""The averaged adaptation variable (condrate.theory.adaptation) against independent
computations: spike-triggered currents and thresholds integrated step by step along a
spike train, the leaky integrator's trajectory integrated numerically, the steady state
of a threshold-linear neuron solved in closed form; and the mechanisms a model file
declares."""

import numpy as np
import pytest

from helpers import ROOT
from condrate.errors import ConfigError
from condrate.params import load_model
from condrate.theory import adaptation as ad


def simulated_mean(jump, decay_per_ms, reset_factor, spike_times_ms, t_end_ms, dt=0.005):
    """Time average of I <- f I + jump at each spike, dI/dt = -k I, by exact decay per
    step of dt (ms), after a fifth of the run."""
    steps = int(t_end_ms / dt)
    spikes = np.zeros(steps, dtype=bool)
    spikes[(np.asarray(spike_times_ms) / dt).astype(int)] = True
    decay, current, total, counted = np.exp(-decay_per_ms * dt), 0.0, 0.0, 0
    for k in range(steps):
        if spikes[k]:
            current = reset_factor * current + jump
        if k >= steps // 5:
            total, counted = total + current, counted + 1
        current *= decay
    return total / counted


@pytest.mark.parametrize("reset_factor", [1.0, 0.4])
def test_the_mean_after_spike_current_of_periodic_firing(reset_factor):
    """GLIF's fast after-spike current (-198.94 pA, 0.1 / ms) at 20 Hz, additive and with
    a multiplicative reset."""
    current = ad.SpikeCurrent(-198.94, 0.1, reset_factor)
    times = np.arange(0.0, 20000.0, 50.0)
    expected = simulated_mean(-198.94, 0.1, reset_factor, times, 20000.0)
    assert current.mean_pA(20.0) == pytest.approx(expected, rel=2e-3)


def test_an_additive_current_and_a_threshold_average_any_train_by_their_rate():
    """A Poisson train: the mean of an additive (f = 1) current and of GLIF's spike
    threshold is jump x rate / k, whatever the intervals."""
    rng = np.random.default_rng(7)
    times = np.cumsum(rng.exponential(1000.0 / 12.0, size=1200))
    times = times[times < 100000.0]
    rate = len(times[times > 20000.0]) / 80.0
    current, threshold = ad.SpikeCurrent(-9.18, 0.003), ad.SpikeThreshold(0.37, 0.009)
    assert current.mean_pA(rate) == pytest.approx(
        simulated_mean(-9.18, 0.003, 1.0, times, 100000.0, dt=0.05), rel=0.02)
    assert threshold.mean_mV(rate) == pytest.approx(
        simulated_mean(0.37, 0.009, 1.0, times, 100000.0, dt=0.05), rel=0.02)


def test_the_mean_potential_of_a_periodically_firing_leaky_integrator():
    """V held at V_reset for t_ref, then the trajectory that reaches V_th at the next
    spike, integrated on a fine grid."""
    rate, V_r, V_th, t_ref, tau = 25.0, -60.0, -55.0, 2.0, 15.0
    T = 1000.0 / rate
    t = np.linspace(0.0, T - t_ref, 200001)
    e = np.exp(-(T - t_ref) / tau)
    V_inf = (V_th - V_r * e) / (1 - e)
    V = V_inf + (V_r - V_inf) * np.exp(-t / tau)
    assert V[-1] == pytest.approx(V_th)
    numeric = (t_ref * V_r + np.trapezoid(V, t)) / T
    assert ad.lif_mean_voltage(rate, V_r, V_th, t_ref, tau) == pytest.approx(numeric, rel=1e-6)
    assert ad.lif_mean_voltage(1e-6, V_r, V_th, t_ref, tau) == pytest.approx(V_th, abs=1e-3)
    assert ad.lif_mean_voltage(0.0, V_r, V_th, t_ref, tau) == V_th   # its limit, not 0 / 0


def test_a_threshold_linear_neuron_adapts_its_gain_by_one_plus_beta_j():
    """r = beta [I - I_theta - J r]_+ solved by bisection against its closed form."""
    beta, I_theta = 0.1, 200.0
    adaptation = ad.Adaptation(currents=(ad.SpikeCurrent(-80.5, 1 / 144.0),))
    J = adaptation.J_pA_per_Hz(20.0)
    assert J == pytest.approx(80.5 * 0.144)
    f0 = lambda I: beta * max(I - I_theta, 0.0)  # noqa: E731
    for I in (150.0, 250.0, 600.0):
        closed = beta * max(I - I_theta, 0.0) / (1 + beta * J)
        assert ad.adapted_rate(I, f0, adaptation, 20.0) == pytest.approx(closed, abs=1e-5)
    assert ad.adapted_gain(beta, J) == pytest.approx(beta / (1 + beta * J))
    step = ad.step_response(beta, J, 144.0)
    assert step["overshoot"] == pytest.approx(1 + beta * J)
    assert step["tau_slow_ms"] == pytest.approx(144.0 / (1 + beta * J))


def test_the_current_along_an_interval_is_that_of_the_mechanisms_stepped_along_a_train():
    """The within-interval profile of a spike current with a multiplicative reset and of
    a spike threshold (as the current g x threshold), against both mechanisms stepped
    along a periodic train to their periodic state; its mean is the averaged current."""
    rate, dt, g = 8.0, 0.01, 15.0
    adaptation = ad.Adaptation(currents=(ad.SpikeCurrent(-60.0, 1 / 144.0, 0.6),),
                               thresholds=(ad.SpikeThreshold(0.5, 1 / 111.0),))
    T = 1000.0 / rate
    steps, per = int(round(20 * T / dt)), int(round(T / dt))
    current = threshold = 0.0
    trace = np.empty(steps)
    for k in range(steps):
        if k % per == 0:
            current, threshold = 0.6 * current - 60.0, threshold + 0.5
        trace[k] = current - g * threshold
        current *= np.exp(-dt / 144.0)
        threshold *= np.exp(-dt / 111.0)
    last = trace[-per:]                       # the last interval, from its spike on
    profile = adaptation.interval_current_pA(np.arange(per) * dt, rate, g)
    assert profile == pytest.approx(last, rel=1e-6)
    assert profile.mean() == pytest.approx(adaptation.mean_current_pA(rate, g), rel=1e-3)


def test_followed_along_the_interval_a_threshold_linear_neuron_adapts_as_averaged():
    """Above its threshold, a threshold-linear f integrated along the interval gives the
    closed form beta (I - I_theta) / (1 + beta J) of the averaged steady state; where the
    current pushes it below threshold early in the interval, the neuron fires faster
    than the average says (the adaptation has decayed by the interval's end)."""
    beta, I_theta = 0.1, 200.0
    adaptation = ad.Adaptation(currents=(ad.SpikeCurrent(-80.5, 1 / 144.0),))
    J = adaptation.J_pA_per_Hz(20.0)
    f0 = lambda I: beta * np.maximum(np.asarray(I) - I_theta, 0.0)  # noqa: E731
    I = 900.0                  # w at its largest, 80.5 / (1 - e^{-T/144}) = 417 pA < I - I_theta
    assert ad.interval_rate(I, f0, adaptation, 20.0) == pytest.approx(
        beta * (I - I_theta) / (1 + beta * J), rel=1e-4)
    I = 220.0                  # 0.9 Hz averaged: w falls from 6 x its mean to near 0
    averaged = ad.adapted_rate(I, lambda x: float(f0(x)), adaptation, 20.0)
    assert ad.interval_rate(I, f0, adaptation, 20.0) > 1.2 * averaged
    assert ad.interval_rate(150.0, f0, adaptation, 20.0) == 0.0


def lif_rate_with_spike_current(I, b, tau_w, C=200.0, g=10.0, V_th=15.0, t_ref=2.0,
                                t_end=12000.0, dt=0.02):
    """Steady rate (Hz) of a leaky integrator (potential from rest, reset 0) with the
    spike current w (jump b at each spike, decay tau_w; pA) subtracted, stepped exactly
    for the membrane at each step's current; counted over the second half."""
    V, w, hold, spikes = 0.0, 0.0, 0.0, []
    decay_m, decay_w = np.exp(-dt * g / C), np.exp(-dt / tau_w)
    for k in range(int(t_end / dt)):
        if hold > 0:
            hold -= dt
        else:
            V_inf = (I - w) / g
            V = V_inf + (V - V_inf) * decay_m
            if V >= V_th:
                V, hold, w = 0.0, t_ref, w + b
                spikes.append(k * dt)
        w *= decay_w
    late = np.asarray(spikes)[np.asarray(spikes) > t_end / 2]
    return (late.size - 1) / ((late[-1] - late[0]) / 1000.0)


def test_a_strongly_adapting_lif_is_predicted_followed_along_its_interval():
    """An LIF with AdEx's tau_w and four times its b (interspike intervals longer than
    tau_w): the rate with w followed along the interval lies within 12 % of the
    simulated neuron's, the averaged one more than 20 % below it (the membrane's memory
    of the interval's early, subthreshold part is what is left)."""
    C, g, V_th, t_ref = 200.0, 10.0, 15.0, 2.0

    def f_lif(I):
        V_inf = np.asarray(I, dtype=float) / g
        out = np.zeros_like(V_inf)
        up = V_inf > V_th
        out[up] = 1000.0 / (t_ref + C / g * np.log(V_inf[up] / (V_inf[up] - V_th)))
        return out

    adaptation = ad.Adaptation(currents=(ad.SpikeCurrent(-320.0, 1 / 144.0),))
    for I in (300.0, 500.0):
        simulated = lif_rate_with_spike_current(I, 320.0, 144.0)
        followed = ad.interval_rate(I, f_lif, adaptation, g)
        averaged = ad.adapted_rate(I, lambda x: float(f_lif(x)), adaptation, g)
        assert abs(followed - simulated) < 0.12 * simulated
        assert averaged < 0.8 * simulated


def test_model_files_declare_their_mechanisms_and_only_slow_ones_are_averaged():
    rs = ad.from_model(load_model(ROOT / "models", "aeif_cond_exp_rs"))
    assert [c.jump_pA for c in rs.currents] == [-80.5] and rs.subthreshold.conductance_nS == 4.0
    asc = ad.from_model(load_model(ROOT / "models", "glif_cond_asc"))
    assert [c.tau_ms for c in asc.currents] == pytest.approx([1000 / 3.0, 10.0])
    slow = asc.slow(50.0)
    assert [c.strength for c in slow.currents] == ["asc_amps[0]"]
    params = load_model(ROOT / "models", "glif_cond_asc").params
    assert ad.strength_overrides(params, slow, 0.0) == {"asc_amps": [0.0, -198.94]}
    assert ad.strength_overrides(params, slow, 2.0) == {"asc_amps": [-18.36, -198.94]}
    assert ad.from_model(load_model(ROOT / "models", "aeif_cond_exp")).empty


def test_an_adaptation_section_naming_a_missing_parameter_is_refused(tmp_path):
    import shutil

    folder = tmp_path / "models"
    shutil.copytree(ROOT / "models", folder)
    path = folder / "aeif_cond_exp_rs.yaml"
    path.write_text(path.read_text().replace("{jump: b, tau: tau_w", "{jump: b_w, tau: tau_w")
                    .replace("subthreshold: {conductance: a,", "subthreshold: {gain: a,"))
    with pytest.raises(ConfigError) as info:
        load_model(folder, "aeif_cond_exp_rs")
    msg = str(info.value)
    assert "adaptation.spike_currents[0].jump: refers to parameter 'b_w'" in msg
    assert "adaptation.subthreshold[0].gain is not a key; the keys are ['conductance', 'tau']" in msg


def test_the_fluctuation_aware_f_of_an_adapting_lif_is_self_consistent_in_its_own_rate():
    """(ii) for GLIF3 driven by a constant current only (no synaptic input): its rate r
    is the LIF rate at I plus the mean of both after-spike currents of a periodic train
    at r, simulated step by step (not the formula of condrate.theory.adaptation), and
    lower than the LIF rate without them; without its own rate (ii) refuses."""
    from condrate.theory import rate_model as rt
    from condrate.theory import transfer

    model = load_model(ROOT / "models", "glif_cond_asc")
    p = rt.derive(model, {"G_EE_nS": 1.0, "G_I_nS": 24.0, "G_ext_nS": 1.0},
                  {"K_E": 400, "K_I": 100, "K_ext": 400},
                  {"v_theta_mV": 15.0, "I_theta0_pA": 10.0, "gain_Hz_per_pA": 0.1})
    I = 800.0
    r = rt.fluct_open_loop_rate(model, p, 0.0, 0.0, 0.0, I)
    E_e, E_i = model.excitatory.E_rev_mV, model.inhibitory.E_rev_mV
    bare = float(transfer.lif_rate_det(model, E_e, E_i, I)(0.0, 0.0))
    assert 5.0 < r < 0.8 * bare
    times = np.arange(0.0, 20000.0, 1000.0 / r)
    A = sum(simulated_mean(c.jump_pA, c.decay_per_ms, c.reset_factor, times, 20000.0)
            for c in ad.from_model(model).currents)
    assert float(transfer.lif_rate_det(model, E_e, E_i, I + A)(0.0, 0.0)) == pytest.approx(r, rel=0.01)
    with pytest.raises(ValueError, match="own rate"):
        rt.fluct_rate(model, p, 0.0, 0.0, 0.0, I)


def test_the_initial_rate_is_one_over_each_neurons_first_interval():
    """Spikes out of order and neurons with fewer than two spikes (condrate.adaptation's
    initial f-I)."""
    from condrate.adaptation.stage import first_isi_rates
    from condrate.spiketrains import SpikeTrains

    index = np.array([2, 0, 0, 2, 0, 3])
    times = np.array([30.0, 25.0, 5.0, 10.0, 100.0, 7.0])
    rates = first_isi_rates(SpikeTrains(index, times, 5, {}))
    assert rates.tolist() == pytest.approx([1000 / 20.0, 0.0, 1000 / 20.0, 0.0, 0.0])


def test_the_smoothed_f_i_recovers_the_noise_and_the_slope_of_a_noisy_curve():
    """A known f-I (rate ~ (I - 500 pA)^1.5 above 500 pA), sampled at 121 currents with
    Gaussian count noise of 3 Hz where it fires: the difference-based noise estimate finds
    the 3 Hz, and the smoothing spline's slope is closer to the true one than the slope
    of the interpolated samples (the step's rate equations follow the slope)."""
    from condrate.adaptation.stage import noise_sd_Hz, smooth_curve

    I = np.linspace(300.0, 1500.0, 121)
    true = 0.004 * np.clip(I - 500.0, 0.0, None) ** 1.5
    noisy = np.where(true > 0, true + np.random.default_rng(5).normal(0.0, 3.0, I.size), 0.0)
    assert noise_sd_Hz(noisy) == pytest.approx(3.0, rel=0.25)
    assert noise_sd_Hz(true) < 0.2      # the curvature alone reads as (almost) no noise
    f = smooth_curve(I, noisy)
    x = np.linspace(650.0, 1450.0, 400)
    h = 5.0
    true_slope = 0.006 * (x - 500.0) ** 0.5
    slope = lambda g: (np.array([g(v + h) for v in x]) - [g(v - h) for v in x]) / (2 * h)  # noqa: E731
    smooth_error = np.sqrt(np.mean((slope(f) - true_slope) ** 2))
    raw_error = np.sqrt(np.mean((slope(lambda v: np.interp(v, I, noisy)) - true_slope) ** 2))
    assert smooth_error < 0.3 * raw_error
    assert max(abs(f(v) - 0.004 * (v - 500.0) ** 1.5) for v in x) < 3.0
    # held at the grid's ends; below the onset within half the noise of zero
    assert f(0.0) == pytest.approx(f(300.0)) and f(300.0) < 1.5
    assert f(2000.0) == pytest.approx(f(1500.0))
