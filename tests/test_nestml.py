"""NESTML neurons through the workflow: the twin of iaf_cond_exp written in NESTML
(models/iaf_cond_exp_nestml.*, config/nestml.yaml) generated and built by the workflow's
own rule, run beside NEST's built-in on the tiny study (f-I and network, three seeds);
the A-current neuron of Shriki et al. (2003) against its variant without the A-current
(f-I onset); a source NESTML cannot parse and a synapse its model lacks refused before
anything is simulated."""

import json
import shutil
import subprocess

import numpy as np
import pytest

from condrate.io import read_csv
from helpers import ROOT, load_yaml, snakemake_cmd

pytestmark = pytest.mark.workflow

SEEDS = (12345, 1, 2)
TWIN, BUILTIN = "iaf_cond_exp_nestml", "iaf_cond_exp"


def tiny_with_nestml(seed, stages, models=(BUILTIN, TWIN)):
    """config/tiny.yaml with config/nestml.yaml on it, the network without sweeps."""
    import yaml

    config = load_yaml(ROOT / "config" / "tiny.yaml")
    overlay = load_yaml(ROOT / "config" / "nestml.yaml")
    config["models"] = list(models)
    config["fi"]["per_model"] |= overlay["fi"]["per_model"]
    for model in models:  # tiny's f-I grid: half the overlay's drives
        drive = config["fi"]["per_model"][model]["drive_mV"]
        drive["num"] = min(drive["num"], 121)
    if not set(config["map"]["models"]) <= set(models):
        config["map"]["models"] = list(models[:1])  # validated, not run (no map target)
    config["nest"]["seed"] = seed
    config["stages"] = stages
    config["network"]["sweeps"] = {"nu_ext_Hz": [], "K_E": [], "step": None}
    return yaml.safe_dump(config)


def run(work, config_text, timeout=1500):
    work.mkdir(parents=True, exist_ok=True)
    (work / "config.yaml").write_text(config_text)
    return subprocess.run(snakemake_cmd(work, "--cores", "2", "--resources", "vp=2",
                                        "--configfile", str(work / "config.yaml")),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def twin_runs(tmp_path_factory):
    """{seed: run folder}: f-I and network at the first seed, the network at the others."""
    out = {}
    for k, seed in enumerate(SEEDS):
        work = tmp_path_factory.mktemp(f"nestml{seed}")
        proc = run(work, tiny_with_nestml(seed, ["fi", "network"] if k == 0 else ["network"]))
        assert proc.returncode == 0, proc.stderr[-4000:]
        out[seed] = work
    return out


def test_the_workflow_builds_the_nestml_module_once_per_hash(twin_runs):
    records = [json.loads((w / "results/nestml" / TWIN / "module.json").read_text())
               for w in twin_runs.values()]
    assert len({r["hash"] for r in records}) == 1 and records[0]["nestml_version"] == "9.0.0"
    log = (twin_runs[SEEDS[1]] / "logs/nestml" / f"{TWIN}.log").read_text()
    assert "up to date" in log  # the second run found the first one's module
    manifest = json.loads((twin_runs[SEEDS[0]] / "results/network" / TWIN / "default/sim"
                           / "manifest.json").read_text())
    assert manifest["extension"]["nest_model"] == TWIN
    assert manifest["extension"]["source_hash"] == records[0]["hash"]


def test_twin_f_i_within_one_percent_of_the_builtin(twin_runs):
    """Deterministic f-I of the twin against NEST's iaf_cond_exp at the drives and added
    conductances both ran, where the built-in fires 10-200 Hz."""
    work = twin_runs[SEEDS[0]]
    curves = {m: read_csv(work / "results/fi" / m / "fi_curves.csv") for m in (TWIN, BUILTIN)}

    def rates(c):
        det = np.asarray(c["condition"]) == "deterministic"
        keys = zip(np.round(c["delta_g_nS"][det], 6), np.round(c["drive_mV"][det], 6))
        return dict(zip(keys, c["rate_Hz"][det]))

    twin, builtin = rates(curves[TWIN]), rates(curves[BUILTIN])
    shared = [k for k in builtin if k in twin and 10.0 <= builtin[k] <= 200.0]
    assert len(shared) >= 30
    rel = [abs(twin[k] - builtin[k]) / builtin[k] for k in shared]
    assert max(rel) <= 0.01, max(rel)
    fits = {m: json.loads((work / "results/fi" / m / "threshold_fit.json").read_text())
            for m in (TWIN, BUILTIN)}
    assert fits[TWIN]["deterministic"]["v_theta_mV"] == pytest.approx(
        fits[BUILTIN]["deterministic"]["v_theta_mV"], rel=0.01)


@pytest.mark.parametrize("seed", SEEDS)
def test_twin_network_within_five_percent_of_the_builtin(twin_runs, seed):
    """The tiny E/I network of each model at the same seed and VPs: E rate, CV and Fano
    factor within 5 %."""
    stats = {m: json.loads((twin_runs[seed] / "results/network" / m / "default/stats.json")
                           .read_text())["populations"]["E"] for m in (TWIN, BUILTIN)}
    assert stats[BUILTIN]["rate_Hz"] > 1.0
    for value in (lambda s: s["rate_Hz"], lambda s: s["cv_isi"]["mean"],
                  lambda s: s["fano"]["mean"]):
        assert value(stats[TWIN]) == pytest.approx(value(stats[BUILTIN]), rel=0.05)


def test_a_nestml_source_that_does_not_parse_is_refused_before_any_simulation(tmp_path):
    """A typo in the source: the rule nestml_module fails with the file, NESTML's line and
    message, and no spec or simulation of the model exists."""
    import yaml

    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    source = models / f"{TWIN}.nestml"
    source.write_text(source.read_text().replace("V_m' = (", "V_m' = (("))
    config = yaml.safe_load(tiny_with_nestml(SEEDS[0], ["fi"]))
    config["models"], config["models_dir"] = [TWIN], str(models)
    config["map"]["models"] = config["models"]  # validated, not run (no map target)
    proc = run(tmp_path / "run", yaml.safe_dump(config), timeout=600)
    assert proc.returncode != 0
    log = (tmp_path / "run" / "logs/nestml" / f"{TWIN}.log").read_text()
    assert f"{source}: NESTML could not generate or build the NEST module" in log
    assert "ERROR, [" in log and "parsing" in log
    assert not list((tmp_path / "run" / "results").rglob("spec.json"))


A_CURRENT, NO_A = "hh_a_current", "hh_a_current_gA0"


@pytest.fixture(scope="module")
def a_current_fi(tmp_path_factory):
    """The tiny f-I stage of the A-current neuron and of its variant with g_A = 0."""
    work = tmp_path_factory.mktemp("a_current")
    proc = run(work, tiny_with_nestml(SEEDS[0], ["fi"], models=(A_CURRENT, NO_A)))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work


def onsets(work, model, condition="deterministic"):
    from condrate.fi.fit import onset

    c = read_csv(work / "results/fi" / model / "fi_curves.csv")
    sel = np.asarray(c["condition"]) == condition
    return {float(dg): onset(np.asarray(c["I_pA"])[sel & (c["delta_g_nS"] == dg)],
                             np.asarray(c["rate_Hz"])[sel & (c["delta_g_nS"] == dg)],
                             (5.0, 100.0))
            for dg in np.unique(c["delta_g_nS"])}


def test_one_build_serves_a_source_and_its_variant(a_current_fi):
    records = [json.loads((a_current_fi / "results/nestml" / m / "module.json").read_text())
               for m in (A_CURRENT, NO_A)]
    assert records[0]["hash"] == records[1]["hash"]
    logs = [(a_current_fi / "logs/nestml" / f"{m}.log").read_text() for m in (A_CURRENT, NO_A)]
    assert sum("nestml: built" in log for log in logs) <= 1
    assert all("up to date" in log or "nestml: built" in log for log in logs)


def test_the_a_current_makes_the_onset_threshold_linear(a_current_fi):
    """Shriki et al.'s reason for the A-current, measured on NEST's deterministic f-I:
    with it the curve starts near 0 Hz at every added conductance and is straight over
    5-100 Hz; without it the neuron jumps to a finite rate once conductance is added."""
    with_a, without = onsets(a_current_fi, A_CURRENT), onsets(a_current_fi, NO_A)
    assert sorted(with_a) == [0.0, 20.0, 40.0]
    for dg, o in with_a.items():
        assert o["first_rate_Hz"] < 20.0 and o["r2"] >= 0.99, (dg, o)
    for dg in (20.0, 40.0):
        assert without[dg]["first_rate_Hz"] > 20.0, without[dg]
        assert with_a[dg]["first_rate_Hz"] <= 0.5 * without[dg]["first_rate_Hz"]


def test_a_nestml_synapse_its_model_lacks_is_refused_by_the_rule(tmp_path):
    """The twin's file names a recordable its NESTML model does not have: NEST, asked
    once the module is built, names file and synapse, in the config's validation when
    the module is in the cache, else in the rule nestml_module that builds it."""
    import yaml

    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    path = models / f"{TWIN}.yaml"
    path.write_text(path.read_text().replace("recordable: g_in}", "recordable: g_inh}"))
    config = yaml.safe_load(tiny_with_nestml(SEEDS[0], ["fi"], models=(TWIN,)))
    config["models_dir"] = str(models)
    proc = run(tmp_path / "run", yaml.safe_dump(config), timeout=900)
    assert proc.returncode != 0
    log = tmp_path / "run" / "logs/nestml" / f"{TWIN}.log"
    said = proc.stderr + (log.read_text() if log.exists() else "")
    assert (f"{path}: synapses.inhibitory: recordable: {TWIN} records no 'g_inh'") in said
    assert not list((tmp_path / "run" / "results").rglob("spec.json"))
