"""One function per workflow stage: file paths in, files out (atomically).

The Snakemake scripts in workflow/scripts are shims that call these.
"""

from __future__ import annotations

from . import fi, fit, plotting, spikes
from .io import read_json, write_json


def write_fi_spec(config: dict, model: str, root, out) -> None:
    write_json(out, fi.fi_spec(config, model, root))


def gather_spikes(sim_dir, out) -> dict:
    return spikes.gather(sim_dir, out)


def write_fi_curves(spec_path, spikes_path, out) -> None:
    spec = read_json(spec_path)
    senders, times, meta = spikes.read_spikes(spikes_path)
    curves = fi.fi_curves(spec, senders, times, meta["first_node_id"])
    if sum(curves["n_spikes"]) + int((times < spec["warmup_ms"]).sum()) != meta["spikes_total"]:
        raise RuntimeError(f"{spikes_path}: spike count changed between gather and rates")
    fi.write_csv(out, curves, fi.FI_COLUMNS)


def write_threshold_fit(curves_path, spikes_path, spec_path, out) -> None:
    spec = read_json(spec_path)
    c = spec["config"]["fi"]
    _, _, meta = spikes.read_spikes(spikes_path)
    result = fit.threshold_fit(
        fi.read_csv(curves_path), spec["fit_band_Hz"], c["rheobase_Hz"], spec["neuron"],
        meta["provenance"],
    )
    write_json(out, result)


def plot_fi_shift(curves_path, fit_path, model: str, pdf, png) -> None:
    fig = plotting.fi_shift_figure(fi.read_csv(curves_path), read_json(fit_path), model)
    plotting.save(fig, pdf, png)
