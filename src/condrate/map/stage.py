"""Entry point of the map rule: the points' files in; map.csv, map.json and the
figure out."""

from __future__ import annotations

from ..io import read_json, write_csv, write_json
from ..params import model_from_spec
from ..plotstyle import save
from ..theory import convergence
from ..theory import rate_model as rt
from . import plots, table


def iterated_by_point(spec_files, spike_files) -> tuple[dict, dict]:
    """The self-consistent prediction (iv) of every point, by point name, and the
    iteration's settings (none without generations)."""
    if not spec_files:
        return {}, {}
    specs, preds, _ = convergence.from_generations(spec_files, spike_files)
    groups = specs[-1]["groups"]
    by_point = {grp["point"]: {k: q[k] for k in ("rate_Hz", "rate_interval_Hz", "converged",
                                                 "bracketed", "cv_isi", "fano")}
                for grp, q in zip(groups, preds)}
    return by_point, {"generations": len(specs), "settings": specs[-1]["selfconsistent"]}


def write_map(specs, stats, fit, calibration, iterated_specs, iterated_spikes, csv, meta,
              figure) -> dict:
    """map.csv (one row per point, table.COLUMNS), map.json (grid, settings, summary,
    provenance) and the heat-map figure."""
    fit_det = read_json(fit)["deterministic"]
    cal = read_json(calibration)
    iterated, iteration = iterated_by_point(iterated_specs, iterated_spikes)
    rows, first = [], None
    for spec_file, stats_file in zip(specs, stats):
        spec, st = read_json(spec_file), read_json(stats_file)
        first = first or (spec, st)
        model = model_from_spec(spec)
        p = rt.derive(model, spec["derived"], spec["network"], fit_det)
        point = spec["run"]
        rows.append(table.row(point, spec["map_point"]["g"], st, model, fit_det, p, cal,
                              iterated.get(point)))
    spec, st = first
    columns = table.columns(rows)
    summary = table.summary(rows)
    write_csv(csv, columns, table.COLUMNS)
    net = {k: v for k, v in spec["network"].items() if k not in ("name", "nu_ext_Hz", "g_IE")}
    write_json(meta, {
        "model": spec["model"],
        "grid": {"g": sorted(set(columns["g"])), "nu_ext_Hz": sorted(set(columns["nu_ext_Hz"])),
                 "points": len(rows), "g_definition": "G_I / G_E, peak conductances at the "
                 "reference in-degrees (the study's network file gives G_E)"},
        "network": net, "map": spec["config"]["map"], "selfconsistent": iteration,
        "predictions": table.PREDICTORS, "summary": summary,
        "note": table.__doc__.split("\n\n")[1].replace("\n", " "),
        "provenance": st["provenance"]})
    save(plots.validity_map(columns, spec["model"]), *figure)
    return summary
