"""The workflow through a real SLURM (slurm-wlm, munge) of two nodes on this machine
(two slurmd, n1 and n2, one CPU each) with the SLURM profile: every simulation an MPI
job of 2 ranks x 1 thread under srun --mpi=pmix, one rank on each node, the outputs
byte-identical to the local run (1 rank x 2 threads, same seed and VP count)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT, load_yaml, snakemake_cmd

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

COMPARED = [
    "results/fi/{m}/spikes.parquet",
    "results/fi/{m}/fi_curves.csv",
    "results/fi/{m}/threshold_fit.json",
    "results/network/{m}/default/spikes.parquet",
    "results/network/{m}/default/stats.json",
    "results/network/{m}/ext_sweep.csv",
    "results/network/{m}/k_scaling.csv",
    "results/network/{m}/step_response.csv",
    "results/theory/{m}/verification.csv",
    "results/theory/{m}/summary.json",
    "results/theory/{m}/selfconsistent.json",
    "results/theory/{m}/calibration.json",
    "results/theory/{m}/feedback/spikes.parquet",
    "results/theory/{m}/uniform_feedback.json",
    "results/theory/{m}/step_dynamics.csv",
]
MAPPED = ["results/map/{m}/map.csv", "results/map/{m}/selfconsistent/g1/spikes.parquet"]
# Through SLURM: the two synapse conventions (one port with signed weights; ports 1 and 2
# with alpha conductances), every stage of each, and the tiny map. The other two models
# of the tiny study add SLURM jobs of the same kinds, not another case (and about ten
# minutes of CI); the local runs cover them.
SLURM_MODELS = ["iaf_cond_exp", "glif_cond"]


def test_profile_launches_every_simulation_rule_with_srun():
    """Every rule that runs condrate.simulate must be in the profile's set-resources (its
    launcher: srun) without tasks or threads of its own (the config's parallel section
    sets them, so the VP check holds for every config), and in common.smk's
    SIMULATION_RULES (the VP check). There is one: `simulate`."""
    import re

    import yaml

    rules = set()
    for smk in (ROOT / "workflow" / "rules").glob("*.smk"):
        for name, body in re.findall(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", smk.read_text(), re.M):
            if re.search(r"^\s+SIMULATE\s*$", body, re.M):
                rules.add(name)
    assert rules == {"simulate"}
    profile = yaml.safe_load((ROOT / "workflow" / "profiles" / "slurm" / "config.yaml").read_text())
    assert rules <= set(profile["set-resources"])
    assert all(profile["set-resources"][r]["mpi"].startswith("srun") for r in rules)
    assert not any("tasks" in profile["set-resources"][r] for r in rules)
    assert "set-threads" not in profile
    common = (ROOT / "workflow" / "rules" / "common.smk").read_text()
    assert all(f'"{r}"' in common for r in rules)


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory):
    if shutil.which("apt-get") is None and shutil.which("slurmctld") is None:
        pytest.fail("neither SLURM nor apt-get is available to install it")
    base = tmp_path_factory.mktemp("slurm")
    work = base / "work"
    tiny = load_yaml(ROOT / "config" / "tiny.yaml")
    targets = [rel.format(m=m) for m in SLURM_MODELS for rel in COMPARED]
    targets += [rel.format(m=m) for m in tiny["map"]["models"] for rel in MAPPED]
    cmd = ["timeout", "-k", "30", "3300", str(ROOT / "tests" / "slurm" / "local_slurm.sh"),
           str(base / "state"), "--",
           *snakemake_cmd(work, *targets, "--workflow-profile",
                          str(ROOT / "workflow" / "profiles" / "slurm"),
                          "--configfile", str(ROOT / "config" / "tiny.yaml"),
                          # the tiny config's 2 VPs as 2 ranks x 1 thread (one per node)
                          str(ROOT / "tests" / "slurm" / "two_ranks.yaml"))]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return work


def test_slurm_daemons_started_here_are_stopped(slurm_run):
    pids = (slurm_run.parent / "state" / "daemon.pids").read_text().split()
    assert len(pids) == 4  # munged, slurmctld, slurmd n1, slurmd n2
    assert not [p for p in pids if Path(f"/proc/{p}").exists()]


def test_simulations_ran_as_two_rank_jobs_across_two_nodes(slurm_run):
    """Every simulation: 2 ranks x 1 thread, rank 0 on node n1 and rank 1 on n2 (each
    node has one CPU, so a 2-task job must span both)."""
    import json

    manifests = sorted(slurm_run.glob("results/**/sim/manifest.json"))
    assert len(manifests) > 20
    for path in manifests:
        m = json.loads(path.read_text())
        assert (m["ranks"], m["threads"], m["virtual_processes"]) == (2, 1, 2), path
        assert sorted(m["node_per_rank"]) == ["n1", "n2"], path
    m = json.loads((slurm_run / "results/network/iaf_cond_exp/default/sim/manifest.json").read_text())
    assert all(n > 0 for n in m["spikes_per_rank"])


@pytest.mark.parametrize("model", SLURM_MODELS)
def test_slurm_outputs_identical_to_local(slurm_run, tiny_run, model):
    for rel in COMPARED:
        rel = rel.format(m=model)
        assert (slurm_run / rel).read_bytes() == (tiny_run / rel).read_bytes(), rel


def test_slurm_map_identical_to_local(slurm_run, tiny_map):
    """The tiny map's points as SLURM jobs (one job per point), byte-identical to the
    local map (which was killed and resumed)."""
    tiny = load_yaml(ROOT / "config" / "tiny.yaml")["map"]
    for model in tiny["models"]:
        points = sorted(p.name for p in (slurm_run / f"results/map/{model}").glob("g*-nu*"))
        assert len(points) == len(tiny["g"]) * len(tiny["nu_ext_Hz"])
        for rel in [f"results/map/{model}/{p}/spikes.parquet" for p in points] + [
                r.format(m=model) for r in MAPPED]:
            assert (slurm_run / rel).read_bytes() == (tiny_map[0] / rel).read_bytes(), rel
