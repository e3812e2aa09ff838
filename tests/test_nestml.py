"""NESTML neurons through the workflow: the twin of iaf_cond_exp written in NESTML
(models/iaf_cond_exp_nestml.*, config/nestml.yaml) generated and built by the workflow's
own rule, run beside NEST's built-in on the tiny study (f-I and network, three seeds),
and a source NESTML cannot parse refused before anything is simulated."""

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


def tiny_with_nestml(seed, stages):
    """config/tiny.yaml with config/nestml.yaml on it, the network without sweeps."""
    import yaml

    config = load_yaml(ROOT / "config" / "tiny.yaml")
    overlay = load_yaml(ROOT / "config" / "nestml.yaml")
    config["models"] = overlay["models"]
    config["fi"]["per_model"] |= overlay["fi"]["per_model"]
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
