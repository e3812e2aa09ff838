"""Ask NEST what it is: version, MPI support, each model's parameter names, and whether
each neuron file's synapses are ports NEST accepts.

Run as ``python -m condrate.nestrun.nestinfo`` in a subprocess (the workflow does this once
while it validates the config), so that the Snakemake process itself never
initialises MPI by importing an MPI-enabled NEST.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..params import MODELS_DIR, fixed_step_models, neuron_models, read_model_file
from . import extension, nestml


def query(models_dir=MODELS_DIR) -> dict:
    """NEST's version, MPI support, its model names (``node_models``) and the parameter
    names of the NEST models that the neuron files of ``models_dir`` name and, where
    condrate's module is built, of their fixed-step twins (``extension``: its source hash,
    or None when it is not built). A file naming a model NEST does not have is left out
    here: the config's validation names it, with NEST's near names."""
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    built = extension.install(nest) if extension.is_built() else None
    files = [read_model_file(models_dir, m) for m in neuron_models(models_dir)]
    # NESTML models whose module is built (nestml_module rule), each source once (a
    # variant shares its base's source)
    for source in sorted({raw["nestml"] for raw in files if raw.get("nestml")}):
        entry = nestml.entry(Path(models_dir) / source)
        if nestml.module_path(entry["stem"], entry["hash"]).exists():
            nestml.install(nest, entry)
    known = set(nest.node_models)
    names = {raw["nest_model"] for raw in files}
    if built is not None:
        names |= set(fixed_step_models(models_dir).values())
    return {
        "nest_version": nest.__version__,
        "have_mpi": bool(nest.build_info["have_mpi"]),
        "node_models": sorted(known),
        "params": {m: sorted(nest.GetDefaults(m)) for m in sorted(names & known)},
        "synapse_errors": {name: synapse_errors(nest, raw) for name, raw
                           in zip(neuron_models(models_dir), files)
                           if raw["nest_model"] in known},
        "extension": built,
    }


def synapse_errors(nest, raw: dict) -> dict:
    """{synapse kind: what NEST says} for the synapses of a parsed neuron file that NEST
    refuses: a connection on its receptor port with a weight of its sign, made to one
    neuron with the file's parameters (NEST is the authority on its ports: a model
    may have none, one split by sign, or one per receptor), and its recordable."""
    out = {}
    neuron = nest.Create(raw["nest_model"])
    try:
        neuron.set({k: v["value"] for k, v in raw.get("params", {}).items()})
    except nest.NESTError:
        pass  # a parameter NEST lacks: the parameter check names it
    recordables = sorted(neuron.get("recordables"))
    for kind in ("excitatory", "inhibitory"):
        syn = raw["synapses"][kind]
        try:
            source = nest.Create("spike_generator")
            nest.Connect(source, neuron, syn_spec={"weight": float(syn["weight_sign"]),
                                                   "receptor_type": int(syn["receptor_type"])})
            if syn["recordable"] not in recordables:
                out[kind] = (f"recordable: {raw['nest_model']} records no '{syn['recordable']}'"
                             f"; it records {recordables}")
        except nest.NESTError as err:
            out[kind] = (f"receptor_type {syn['receptor_type']} with weight sign "
                         f"{syn['weight_sign']}: NEST refuses it ({str(err).strip()[:300]})")
    return out


def probe(python=sys.executable, models_dir=MODELS_DIR) -> dict:
    """Run :func:`query` in a fresh interpreter and return its answer."""
    proc = subprocess.run(
        [python, "-m", "condrate.nestrun.nestinfo", str(models_dir)], capture_output=True,
        text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"could not import NEST with {python}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    info = query(sys.argv[1] if len(sys.argv) > 1 else MODELS_DIR)
    sys.stdout.write(json.dumps(info) + "\n")
