"""Real NEST: f-I simulations per model (condrate.fi.experiment)."""

import numpy as np
import pytest

from condrate.fi import experiment as fi
from condrate.fi import stage
from condrate.io import read_csv, read_json
from helpers import ROOT, load_yaml, simulate, simulate_and_gather

pytestmark = pytest.mark.nest


def run_fi(tmp_path, config, model):
    spec = fi.fi_spec(config, model, ROOT)
    spec_path, sim, spikes = simulate_and_gather(tmp_path, spec)
    stage.write_fi_curves(spec_path, spikes, tmp_path / "fi.csv")
    stage.write_threshold_fit(tmp_path / "fi.csv", spikes, spec_path, tmp_path / "fit.json")
    return read_csv(tmp_path / "fi.csv"), read_json(tmp_path / "fit.json"), read_json(sim / "manifest.json")


# the tiny study's models and one that enters by its files alone (config/iaf_cond_alpha.yaml)
ALPHA = load_yaml(ROOT / "config" / "iaf_cond_alpha.yaml")
MODELS = [*load_yaml(ROOT / "config" / "tiny.yaml")["models"], *ALPHA["models"]]


@pytest.mark.parametrize("model", MODELS)
def test_fi_shift_per_model(tmp_path, tiny_config, model):
    tiny_config["fi"]["per_model"] |= ALPHA["fi"]["per_model"]
    curves, fit, manifest = run_fi(tmp_path, tiny_config, model)
    det = fit["deterministic"]
    assert "noisy" in fit
    cond, r, u = curves["condition"], curves["rate_Hz"], curves["drive_mV"]
    # spikes were counted at every hand-off
    assert curves["n_spikes"].sum() <= manifest["spikes_total"] > 0
    # added conductance moves the threshold current up: v_theta > 0, a good fit
    assert det["v_theta_rheobase_mV"] > 0 and det["v_theta_mV"] > 0
    assert det["r2"] > 0.9
    # more drive, more spikes, for every level of the deterministic condition
    d = cond == "deterministic"
    for g in np.unique(curves["g_total_nS"]):
        k = d & (curves["g_total_nS"] == g)
        assert r[k][np.argmax(u[k])] > r[k][np.argmin(u[k])]
    # in the noisy condition, conductance noise makes neurons fire below the
    # deterministic rheobase of the same level
    top = curves["g_total_nS"].max()
    sub = (curves["g_total_nS"] == top) & (curves["I_pA"] < det["rheobase_pA"][-1])
    assert r[sub & d].max() == 0.0
    assert r[sub & (cond == "noisy")].max() > 0.0
    assert fit["provenance"]["virtual_processes"] == 2
    assert fit["provenance"]["nest_version"].startswith("3.10")


def test_iaf_rheobase_shift_equals_threshold_distance(tmp_path, tiny_config):
    """For iaf_cond_exp under constant current the rheobase is g_L (V_th - E_L)."""
    _, fit, _ = run_fi(tmp_path, tiny_config, "iaf_cond_exp")
    expected = fit["neuron"]["V_th_mV"] - fit["neuron"]["E_L_mV"]
    assert fit["deterministic"]["v_theta_rheobase_mV"] == pytest.approx(expected, rel=0.02)


def test_hh_resting_set_is_silent_without_input(tmp_path, tiny_config):
    tiny_config["fi"]["per_model"]["hh_cond_exp_traub"]["drive_mV"] = {
        "start": 0.0, "stop": 1.0, "num": 2}
    tiny_config["fi"]["conditions"] = ["deterministic"]
    spec = fi.fi_spec(tiny_config, "hh_cond_exp_traub", ROOT)
    _, sim = simulate(tmp_path, spec)
    assert read_json(sim / "manifest.json")["spikes_total"] == 0
