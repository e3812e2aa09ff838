"""Entry points of the f-I stage: file paths in, files out (atomically).

Rules call them through workflow/scripts/run_stage.py, with the rule's named inputs
and outputs as keyword arguments.
"""

from __future__ import annotations

from ..io import read_csv, read_json, write_csv, write_json
from ..nestrun.spikes import read_spike_meta
from ..spiketrains import SpikeTrains
from . import experiment


def counted_fi_curves(spec_d: dict, trains, spikes) -> dict:
    """experiment.fi_curves, with every gathered spike accounted for (counted after the
    warm-up, or before it)."""
    table = experiment.fi_curves(spec_d, trains)
    early = int((trains.times_ms < spec_d["warmup_ms"]).sum())
    if sum(table["n_spikes"]) + early != trains.meta["spikes_total"]:
        raise RuntimeError(f"{spikes}: spike count changed between gather and rates")
    return table


def write_fi_curves(spec, spikes, curves) -> None:
    spec_d, trains = read_json(spec), SpikeTrains.read(spikes)
    write_csv(curves, counted_fi_curves(spec_d, trains, spikes), experiment.FI_COLUMNS)


def write_threshold_fit(curves, spikes, spec, fit) -> None:
    from . import fit as fit_module  # scipy.stats and .optimize: this rule's own

    spec_d = read_json(spec)
    result = fit_module.threshold_fit(
        read_csv(curves), spec_d["fit_band_Hz"], spec_d["config"]["fi"]["rheobase_Hz"],
        spec_d["neuron"], read_spike_meta(spikes)["provenance"],
    )
    write_json(fit, result)


def plot_fi_shift(curves, fit, model: str, figure) -> None:
    from ..plotstyle import save  # matplotlib: only the figure rule imports it
    from . import plots

    save(plots.fi_shift_figure(read_csv(curves), read_json(fit), model), *figure)
