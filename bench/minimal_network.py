"""The default E/I network in a minimal PyNEST script: the yardstick for the
pipeline's simulate step (same neurons, synapses, drive and recorders, no condrate).

    python bench/minimal_network.py SPEC.json THREADS
Prints the wall time of build + simulate in seconds.
"""

import json
import sys
import time

t_start = time.perf_counter()
import nest  # noqa: E402

spec = json.load(open(sys.argv[1]))
threads = int(sys.argv[2])
net, d, k = spec["network"], spec["derived"], spec["kernel"]
model = spec["model_file"]
params = {n: e["value"] for n, e in model["params"].items()}
params.update(spec["overrides"])
syn = model["synapses"]

nest.ResetKernel()
nest.set(local_num_threads=threads, resolution=k["resolution_ms"], rng_seed=k["seed"])
if model["nest_model"] == "glif_cond":
    params.update(spike_dependent_threshold=False, after_spike_currents=False,
                  adapting_threshold=False)
E = nest.Create(model["nest_model"], net["N_E"], params=params)
I = nest.Create(model["nest_model"], net["N_I"], params=params)
pop = E + I
pop.V_m = nest.random.uniform(*d["V_m_init_mV"])
ext = nest.Create("poisson_generator", params={"rate": d["ext_rate_total_Hz"]})
sr = nest.Create("spike_recorder", params={"record_to": "memory"})
delay = nest.random.uniform(*d["delay_ms"])
ex, inh = syn["excitatory"], syn["inhibitory"]
nest.Connect(E, pop, {"rule": "fixed_indegree", "indegree": net["K_E"]},
             {"weight": d["G_EE_nS"], "delay": delay, "receptor_type": ex["receptor_type"]})
nest.Connect(I, pop, {"rule": "fixed_indegree", "indegree": net["K_I"]},
             {"weight": inh["weight_sign"] * d["G_I_nS"], "delay": delay,
              "receptor_type": inh["receptor_type"]})
nest.Connect(ext, pop, "all_to_all", {"weight": d["G_ext_nS"], "delay": d["delay_ms"][0],
                                      "receptor_type": ex["receptor_type"]})
nest.Connect(pop, sr)
nest.Simulate(net["t_sim_ms"])
print(f"{time.perf_counter() - t_start:.3f} {sr.n_events}")
