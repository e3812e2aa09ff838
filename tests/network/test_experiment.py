"""The E/I network on real NEST: balanced state, rank/thread split, a rank that dies."""

import json
import subprocess
import time

import numpy as np
import pytest

from condrate.errors import ConfigError
from condrate.io import read_json, write_json
from condrate.nestrun.spikes import read_spike_meta, read_state
from condrate.network import experiment as network
from condrate.network.stage import network_stats
from condrate.spiketrains import SpikeTrains
from helpers import PYTHON, ROOT, load_yaml, simulate_and_gather, snakemake_cmd

pytestmark = pytest.mark.nest


@pytest.fixture
def tiny_net(tiny_config):
    tiny_config["models"] = ["iaf_cond_exp"]
    return tiny_config


def run_network(tmp_path, config, model, run, tasks=1, threads=2, name="net"):
    spec = network.network_spec(config, model, run, ROOT)
    _, sim, out = simulate_and_gather(tmp_path, spec, tasks, threads, name)
    st = network_stats(spec, SpikeTrains.read(out), read_state(sim))
    return st, out, sim


@pytest.mark.parametrize("model", ["iaf_cond_exp", "hh_cond_exp_traub", "aeif_cond_exp"])
def test_default_parameters_give_the_asynchronous_irregular_state(tmp_path, tiny_config, model):
    st, _, sim = run_network(tmp_path, tiny_config, model, "default")
    for p in ("E", "I"):
        v = st["populations"][p]
        assert 1.0 < v["rate_Hz"] < 60.0
        assert v["cv_isi"]["mean"] >= 0.8
        assert abs(v["correlation"]["mean"]) <= 0.05
        assert v["chi"] <= 0.2
        # balance: excitation and inhibition each much larger than their sum
        inp = st["inputs"][p]
        assert inp["I_ex_pA"] > 4 * abs(inp["I_total_pA"])
        assert inp["I_in_pA"] < -4 * abs(inp["I_total_pA"])
    manifest = read_json(sim / "manifest.json")
    assert manifest["spikes_total"] == sum(manifest["spikes_per_rank"]) > 1000
    assert manifest["kernel_per_rank"][0]["time_simulate"] > 0


@pytest.mark.mpi
def test_network_split_over_ranks_is_byte_identical(tmp_path, tiny_net):
    _, a, sim_a = run_network(tmp_path, tiny_net, "iaf_cond_exp", "default", 2, 1, "r2t1")
    _, b, sim_b = run_network(tmp_path, tiny_net, "iaf_cond_exp", "default", 1, 2, "r1t2")
    assert a.read_bytes() == b.read_bytes()
    sa, sb = read_state(sim_a), read_state(sim_b)
    order_a = np.lexsort((sa["time_ms"], sa["sender"]))
    order_b = np.lexsort((sb["time_ms"], sb["sender"]))
    for col in sa:
        assert np.array_equal(sa[col][order_a], sb[col][order_b]), col


def test_brainpy_preset_builds_the_seed_network(tmp_path, tiny_config):
    from snakemake.utils import update_config

    cfg = tiny_config
    update_config(cfg, load_yaml(ROOT / "config" / "brainpy_ei.yaml"))  # as --configfile merges
    cfg["network"] = dict(cfg["network"], t_sim_ms=300.0, t_warmup_ms=100.0)
    spec = network.network_spec(cfg, "iaf_cond_exp", "brainpy_ei", ROOT)
    d, net = spec["derived"], spec["network"]
    assert (net["N_E"], net["N_I"], net["K_E"], net["K_I"]) == (3200, 800, 64, 16)
    assert d["G_EE_nS"] == pytest.approx(6.0) and d["G_I_nS"] == pytest.approx(67.0)
    st, _, _ = run_network(tmp_path, cfg, "iaf_cond_exp", "brainpy_ei")
    assert st["populations"]["E"]["rate_Hz"] > 1.0


def _is_launcher(pid):
    try:
        cmd = open(f"/proc/{pid}/cmdline").read()
    except OSError:
        return True
    return "mpirun" in cmd or "/bin/sh" in cmd or "bash" in cmd


def snakemake(workdir, config_path, *extra):
    cmd = snakemake_cmd(workdir, *extra, "--configfile", str(config_path), "--cores", "2",
                        "--resources", "vp=2")
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.mpi
@pytest.mark.workflow
def test_a_rank_that_dies_leaves_no_gathered_file_and_rerun_completes(tmp_path, tiny_net):
    import yaml

    tiny_net["network"]["t_sim_ms"] = 20000.0
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump(tiny_net))
    work = tmp_path / "work"
    target = "results/network/iaf_cond_exp/default/spikes.parquet"
    proc = snakemake(work, cfg, target, "--set-resources", "simulate:tasks=2",
                     "--set-threads", "simulate=1")
    spec = work / "results/network/iaf_cond_exp/default/spec.json"
    victim = None
    for _ in range(600):  # wait until both ranks run, then kill one of them
        pattern = f"condrate.simulate {spec.relative_to(work)}"
        pids = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
        ranks = [p for p in pids.split() if not _is_launcher(p)]
        if len(ranks) == 2 and (spec.parent / "sim.partial").exists():
            victim = int(ranks[-1])
            time.sleep(1.0)
            subprocess.run(["kill", "-9", str(victim)])
            break
        time.sleep(0.1)
    assert victim is not None, "the simulation never started two ranks"
    _, err = proc.communicate(timeout=600)
    assert proc.returncode != 0
    assert not (work / target).exists()
    assert not (spec.parent / "sim").exists() and not (spec.parent / "sim.partial").exists()
    tiny_net["network"]["t_sim_ms"] = 500.0
    cfg.write_text(yaml.safe_dump(tiny_net))
    proc = snakemake(work, cfg, target)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    assert read_spike_meta(work / target)["spikes_total"] > 0


def test_sweep_points_equal_to_the_base_run_reuse_it(default_config):
    """nu_ext = 15 Hz and K_E = 400 are the base network: simulated once, as "default"."""
    runs = network.sweep_runs(default_config)
    assert runs["ext"] == ["default-ext10.0", "default-ext12.5", "default", "default-ext17.5",
                           "default-ext20.0"]
    assert runs["K"] == ["default-K100", "default-K200", "default"]
    default_config["network"]["K_ext"] = 200  # K sweep points set K_ext = K_E: no longer equal
    assert network.sweep_runs(default_config)["K"][-1] == "default-K400"


def test_spec_holds_only_its_own_models_synapses(default_config):
    spec = network.network_spec(default_config, "glif_cond", "default", ROOT)
    assert list(spec["network_file"]["per_model"]) == ["glif_cond"]
    default_config["network"]["parameters"] = "brainpy_ei_network"
    with pytest.raises(ConfigError, match="per_model has no entry for 'glif_cond'"):
        network.network_spec(default_config, "glif_cond", "default", ROOT)


_CURRENT_PROBE = """
import json, sys
import nest
from condrate.io import read_json, write_json
from condrate.network import experiment as network
from condrate.params import model_from_config
model = model_from_config(read_json(sys.argv[1]), sys.argv[3], sys.argv[2])
out = {}
for seed in (5, 5, 6):
    nest.ResetKernel()
    nest.set(rng_seed=seed, total_num_virtual_procs=2)
    neurons = nest.Create(model.nest_model, 4000, params=model.nest_params())
    network.constant_current(nest, model, neurons, {"I_ext_pA": 300.0, "I_ext_sd_pA": 60.0})
    if model.has_I_e:
        drawn = list(neurons.I_e)
    else:  # one dc_generator per neuron: its amplitude, in the order of the targets
        conns = nest.GetConnections(target=neurons)
        generators = nest.NodeCollection(sorted(set(conns.source)))
        amp = dict(zip(generators.global_id, generators.amplitude))
        by_target = sorted(zip(conns.target, conns.source))
        assert [t for t, _ in by_target] == list(neurons.global_id), "one generator each"
        drawn = [amp[s] for _, s in by_target]
    out.setdefault("drawn", []).append(drawn)
nest.ResetKernel()
neurons = nest.Create(model.nest_model, 10, params=model.nest_params())
network.constant_current(nest, model, neurons, {"I_ext_pA": 120.0})
out["uniform"] = (sorted(set(neurons.I_e)) if model.has_I_e else
                  sorted(set(nest.GetConnections(target=neurons).source)))
print(json.dumps(out))
"""


@pytest.mark.parametrize("model", ["iaf_cond_exp", "glif_cond"])
def test_heterogeneous_current_is_drawn_per_neuron(tiny_config, tmp_path, model):
    """I_ext_sd_pA: one normal draw per neuron (the mean-driven preset's 300 +- 60 pA),
    in NEST itself: I_e where the model has it, else one dc_generator per neuron
    (glif_cond); the same seed draws the same currents, another seed others; without
    it every neuron gets the same I_e, or all share one generator. NEST runs in its
    own process: importing it here would initialise MPI in pytest (see conftest)."""
    write_json(tmp_path / "config.json", tiny_config)
    proc = subprocess.run([PYTHON, "-c", _CURRENT_PROBE, str(tmp_path / "config.json"),
                           str(ROOT), model], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    first, again, other = (np.array(d) for d in seen["drawn"])
    assert abs(first.mean() - 300.0) < 4 * 60 / np.sqrt(4000)
    assert 0.95 < first.std() / 60.0 < 1.05
    assert np.array_equal(first, again) and not np.allclose(first, other)
    if model == "iaf_cond_exp":
        assert seen["uniform"] == [120.0]
    else:
        assert len(seen["uniform"]) == 1


_TWO_MODEL_PROBE = """
import json, sys
import nest
from condrate.io import read_json
from condrate.network import experiment as network
from condrate.params import model_from_spec
spec = read_json(sys.argv[1])
nest.ResetKernel()
nodes = network.build(nest, model_from_spec(spec), spec).neurons
n_E = spec["network"]["N_E"]
E, I = nodes[:n_E], nodes[n_E:]
out = {p: {k: sorted(set(pop.get(k))) for k in ("Delta_T", "a", "b")} for p, pop in (("E", E), ("I", I))}
for p, pop in (("E", E), ("I", I)):
    out[p]["V_m_init"] = [min(pop.V_m), max(pop.V_m)]
    out[p]["from_I"] = sorted(set(nest.GetConnections(source=I, target=pop).weight))
    out[p]["indegree"] = len(nest.GetConnections(source=nodes, target=pop[:1]))
print(json.dumps(out))
"""


def rs_fs_tiny(tiny_config):
    """The RS-FS preset's two-model network at the tiny config's size and times."""
    preset = load_yaml(ROOT / "config" / "rs_fs_adex.yaml")
    tiny_config["models"] = preset["models"]
    tiny_config["network"] |= {k: preset["network"][k] for k in
                               ("name", "parameters", "K_E", "K_I", "K_ext", "nu_ext_Hz")}
    tiny_config["network"] |= {"N_E": 800, "N_I": 200, "t_sim_ms": 1000.0, "t_warmup_ms": 500.0}
    return tiny_config


def test_a_two_model_network_builds_each_population_from_its_own_model(tmp_path, tiny_config):
    """The RS-FS network: E neurons are the RS cell (Delta_T 2 mV, a 4 nS, b 20 pA), I
    neurons the FS cell (Delta_T 0.5 mV, no adaptation), in NEST itself; both receive
    the same inhibitory quantum (-5 nS, NEST's sign) and in-degrees; and in a run the
    unadapting FS cells fire faster than the RS cells under the same input (with one
    model for both the two rates are the same up to noise)."""
    config = rs_fs_tiny(tiny_config)
    spec = network.network_spec(config, "adex_rs_zerlaut", "rs_fs", ROOT)
    assert spec["inhibitory"]["model"] == "adex_fs_zerlaut"
    write_json(tmp_path / "spec.json", spec)
    proc = subprocess.run([PYTHON, "-c", _TWO_MODEL_PROBE, str(tmp_path / "spec.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["E"]["Delta_T"] == [2.0] and seen["E"]["a"] == [4.0] and seen["E"]["b"] == [20.0]
    assert seen["I"]["Delta_T"] == [0.5] and seen["I"]["a"] == [0.0] and seen["I"]["b"] == [0.0]
    for p in ("E", "I"):
        assert seen[p]["from_I"] == [-5.0]
        assert seen[p]["indegree"] == 400 + 100  # K_E + K_I from the network's neurons
        assert -65.0 <= seen[p]["V_m_init"][0] < seen[p]["V_m_init"][1] <= -50.0
    st, out, sim = run_network(tmp_path, config, "adex_rs_zerlaut", "rs_fs", name="rsfs")
    r_E, r_I = (st["populations"][p]["rate_Hz"] for p in ("E", "I"))
    assert 0.2 < r_E < r_I / 2 and r_I < 60.0, (r_E, r_I)
    manifest = read_json(sim / "manifest.json")
    assert manifest["spikes_total"] == len(SpikeTrains.read(out).times_ms) > 1000
