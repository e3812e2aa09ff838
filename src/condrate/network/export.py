"""Export of a network run's spikes for other tools: NWB (pynwb; a units table with the
population of each neuron and its observation interval) and NIX (through Neo's NixIO;
one Neo SpikeTrain per neuron), both with the run's provenance.

Times are ms inside condrate; NWB stores seconds, the NIX file keeps ms (Neo carries
the unit). Neuron i of the run is unit / spike train i; E neurons come first.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import numpy as np

from ..io import atomic_path, read_json
from ..spiketrains import SpikeTrains
from ..units import MS_PER_S

# a fixed session start: the file's bytes must not depend on the day it was written
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _populations(net: dict) -> np.ndarray:
    return np.array(["E"] * net["N_E"] + ["I"] * net["N_I"])


def _per_neuron(spikes: SpikeTrains, n: int) -> list:
    """Spike times (ms) of each of the n neurons, in time order (the table is sorted)."""
    order = np.argsort(spikes.index, kind="stable")
    bounds = np.searchsorted(spikes.index[order], np.arange(n + 1))
    times = spikes.times_ms[order]
    return [times[bounds[i]:bounds[i + 1]] for i in range(n)]


def _identifier(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:32]


def write_nwb(path, trains: list, populations, spec: dict, provenance: dict) -> int:
    """NWB file with one unit per neuron (trains: spike times in ms per neuron, written in
    s; obs_intervals [0, t_sim]), a 'population' column; returns the spikes written."""
    from pynwb import NWBHDF5IO, NWBFile

    net = spec["network"]
    t_stop_s = net["t_sim_ms"] / MS_PER_S
    nwb = NWBFile(
        session_description=f"condrate NEST network run {spec.get('run', net['name'])} of "
                            f"{spec['model']}",
        identifier=_identifier(spec), session_start_time=EPOCH,
        source_script="condrate (NEST simulation; see notes for provenance)",
        source_script_file_name="condrate/network/export.py",
        notes=json.dumps({"provenance": provenance, "network": net}, sort_keys=True))
    nwb.add_unit_column(name="population", description="E (excitatory) or I (inhibitory)")
    nwb.add_unit_column(name="neuron", description="neuron index in the run (0-based)")
    written = 0
    for i, (times, pop) in enumerate(zip(trains, populations)):
        nwb.add_unit(spike_times=times / MS_PER_S, obs_intervals=[[0.0, t_stop_s]],
                     population=str(pop), neuron=i)
        written += len(times)
    with atomic_path(path, ".nwb") as tmp, NWBHDF5IO(str(tmp), "w") as io:
        io.write(nwb)
    return written


def write_nix(path, trains: list, populations, spec: dict, provenance: dict) -> int:
    """NIX file (Neo Block > Segment > one SpikeTrain per neuron, ms, annotated with
    population and neuron index); returns the number of spikes written."""
    import neo
    import quantities as pq
    from neo.io import NixIO

    net = spec["network"]
    block = neo.Block(name=f"{spec['model']} {spec.get('run', net['name'])}",
                      provenance=json.dumps(provenance, sort_keys=True))
    seg = neo.Segment(name="run")
    block.segments.append(seg)
    written = 0
    for i, (times, pop) in enumerate(zip(trains, populations)):
        seg.spiketrains.append(neo.SpikeTrain(times * pq.ms, t_start=0.0 * pq.ms,
                                              t_stop=net["t_sim_ms"] * pq.ms,
                                              population=str(pop), neuron=i))
        written += len(times)
    with atomic_path(path, ".nix") as tmp:
        io = NixIO(str(tmp), mode="ow")
        io.write_block(block)
        io.close()
    return written


def export_spikes(spec, spikes, nwb, nix) -> str:
    """Both exports of one run; every spike of spikes.parquet must be in each file."""
    s = read_json(spec)
    table = SpikeTrains.read(spikes)
    net = s["network"]
    trains = _per_neuron(table, net["N_E"] + net["N_I"])
    populations = _populations(net)
    provenance = table.meta.get("provenance", {})
    counts = {"parquet": len(table.times_ms),
              "nwb": write_nwb(nwb, trains, populations, s, provenance),
              "nix": write_nix(nix, trains, populations, s, provenance)}
    if len(set(counts.values())) != 1:
        raise RuntimeError(f"spike counts differ between the exports: {counts}")
    return f"exported {counts['parquet']} spikes to NWB and NIX"
