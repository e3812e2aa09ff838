"""Entry point of the map rule: the points' files in; map.csv, map.json and the
figure out."""

from __future__ import annotations

from ..io import read_json, single_file, write_csv, write_json
from ..params import model_from_spec
from ..plotstyle import save
from ..theory import convergence
from ..theory import rate_model as rt
from ..theory import two_population as tp
from . import grid, plots, table


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
              figure, fit_I=(), calibration_I=()) -> dict:
    """map.csv (one row per point, table.columns_of), map.json (grid, settings, summary,
    provenance) and the heat-map figure. fit_I, calibration_I: a two-model network's I
    model's f-I fit and (iii)'s calibration of it (none for a one-model network)."""
    fit_det = read_json(fit)["deterministic"]
    cal = read_json(calibration)
    two = bool(fit_I)
    if two:
        fits = {"E": fit_det, "I": read_json(single_file(fit_I))["deterministic"]}
        cals = {"E": cal, "I": read_json(single_file(calibration_I))}
    iterated, iteration = iterated_by_point(iterated_specs, iterated_spikes)
    rows, first = [], None
    for spec_file, stats_file in zip(specs, stats):
        spec, st = read_json(spec_file), read_json(stats_file)
        first = first or (spec, st)
        ax = grid.axis(spec["config"])
        x = spec["map_point"][ax.key]
        model = model_from_spec(spec)
        point, nu, I_ext = spec["run"], spec["network"]["nu_ext_Hz"], spec["network"]["I_ext_pA"]
        # the fit and the calibration are of the neurons as the config gives them
        calibrated = ax.key != "adaptation_strength" or x == 1.0
        if two:  # the two-population form of each rate equation
            models = tp.models_of(spec)
            p2 = tp.derive(models, spec["derived"], spec["network"], fits)
            predicted = table.predictions_two(models, p2, nu, I_ext, cals, calibrated)
        else:
            p = rt.derive(model, spec["derived"], spec["network"], fit_det)
            predicted = table.predictions(model, p, nu, I_ext, cal, calibrated)
        rows.append(table.row(point, (ax.key, x), st, model, fit_det, predicted,
                              iterated.get(point), calibrated))
    spec, st = first
    ax = grid.axis(spec["config"])
    columns = table.columns(rows, ax.key)
    summary = table.summary(rows)
    write_csv(csv, columns, table.columns_of(ax.key))
    per_point = ("name", "nu_ext_Hz", *(("g_IE",) if ax.key == "g" else ()))
    net = {k: v for k, v in spec["network"].items() if k not in per_point}
    write_json(meta, {
        "model": spec["model"],
        "grid": {ax.key: sorted(set(columns[ax.key])),
                 "nu_ext_Hz": sorted(set(columns["nu_ext_Hz"])),
                 "points": len(rows), f"{ax.key}_definition": ax.definition},
        "network": net, "map": spec["config"]["map"], "selfconsistent": iteration,
        "predictions": table.PREDICTORS, "summary": summary,
        "note": table.__doc__.split("\n\n")[1].replace("\n", " "),
        "provenance": st["provenance"]})
    save(plots.validity_map(columns, spec["model"], ax), *figure)
    return summary
