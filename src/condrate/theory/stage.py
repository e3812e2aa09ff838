"""Entry points of the theory stage, one per workflow rule: file paths in, files out.

derive     W, W_ext, theta and every input with its unit and source;
calibration  the semi-analytic f (iii) fitted on its own run of single neurons;
openloop   unconnected neurons at fixed input rates;
selfconsistent  iterated single neurons: r*, CV, Fano per external rate (+ figure);
selfconsistent_cost  their NEST time against the network's;
predictions  every prediction of the closed loop (registry), from no network run;
closedloop the predictions against the network over the external-rate sweep
           (+ diagnostics, figure);
feedback   excitatory-only networks around the uniform-feedback transition;
step       the rate model after the network's step of the external rate;
summary    every experiment's rows in verification.csv, the error summary, figure.

Each result carries the provenance of the run it was computed from: the f-I run's
(derive), the calibration run's (calibration, predictions), the open-loop run's
(openloop, summary) or the generation's (selfconsistent).
"""

from __future__ import annotations

from pathlib import Path

from ..io import read_csv, read_json, single_file, write_csv, write_json
from ..nestrun.spikes import read_spike_meta
from ..network.experiment import population_models
from ..params import model_from_spec
from ..spiketrains import SpikeTrains
from . import adaptation, convergence, dynamics, openloop
from . import feedback as fb
from . import rate_model as rt
from . import selfconsistent as sc
from . import verification as ver
from .predictors import PREDICTORS


def _save(draw: str, figure, *args) -> None:
    """Draw with theory.plots.<draw>(*args) and save to figure = (pdf, png); matplotlib
    is imported here, so that the rules without a figure (derive, calibrate, open loop)
    do not load it."""
    from ..plotstyle import save
    from . import plots

    save(getattr(plots, draw)(*args), *figure)


def load_rate_model(fit, base_spec, population: str = "E") -> tuple:
    """(model, rate-model parameters p, base network spec) from the deterministic f-I
    fit and the base network's spec (paths); population "I": the I population's model
    (a two-model network's inhibitory_model; fit: that model's f-I fit)."""
    fit_det = read_json(fit)["deterministic"]
    base = read_json(single_file(base_spec))
    model = population_models(base)[population]
    return model, rt.derive(model, base["derived"], base["network"], fit_det), base


def _provenance(spikes_path) -> dict:
    return read_spike_meta(spikes_path)["provenance"]


def write_derived(fit, base_spec, derived, binary_on_rate_Hz) -> None:
    """W, W_ext, theta from the parameters and the f-I fit (whose provenance it keeps)."""
    model, p, base = load_rate_model(fit, base_spec)
    out = ver.derived_params(p, model, base, str(fit), binary_on_rate_Hz)
    write_json(derived, out | {"provenance": read_json(fit)["provenance"]})


def _openloop_rates(ol_spec, ol_spikes) -> tuple:
    spec = read_json(ol_spec)
    return spec, openloop.condition_rates(spec, SpikeTrains.read(ol_spikes))


def write_calibration(fit, base_spec, cal_spec, cal_spikes, calibration,
                      population="E") -> None:
    """The semi-analytic f (iii), fitted on its own calibration run (the config's grid of
    single-neuron conditions; nothing from a network run). population "I": the I
    population's model of a two-model network (fit: that model's f-I fit)."""
    model, p, _ = load_rate_model(fit, base_spec, population)
    spec, rates = _openloop_rates(cal_spec, cal_spikes)
    band = spec["openloop"]["calibration"]["fit_band_Hz"]
    write_json(calibration, ver.calibrate(p, model, rates, band)
               | {"provenance": _provenance(cal_spikes)})


def write_openloop(fit, base_spec, ol_spec, ol_spikes, calibration, rows) -> None:
    """The open-loop rows, and how far the judged conditions lie from the calibration
    conditions of (iii) (``calibration_distance``, Hz)."""
    model, p, _ = load_rate_model(fit, base_spec)
    _, rates = _openloop_rates(ol_spec, ol_spikes)
    cal = read_json(calibration)
    judged = list(zip(rates["set"], rates["r_E_Hz"], rates["r_I_Hz"], rates["nu_ext_Hz"]))
    conds = cal["conditions"]
    used = list(zip(conds["r_E_Hz"], conds["r_I_Hz"], conds["nu_ext_Hz"]))
    write_json(rows, ver.openloop_rows(p, model, rates, cal)
               | {"calibration_distance": openloop.condition_distances(judged, used)})


def simulate_seconds(sim) -> float:
    """NEST's simulate time of a run (s; the slowest rank), from its manifest."""
    manifest = read_json(Path(sim) / "manifest.json")
    return max(k.get("time_simulate", 0.0) for k in manifest["kernel_per_rank"])


def write_selfconsistent(specs, spikes, selfconsistent, figure) -> None:
    """The self-consistent closed loop (iv) from its generations: r* per external rate
    with interval, CV, Fano, convergence history; the loops from other start guesses
    against the main one (other_starts); the convergence figure."""
    from . import selfconsistent_pair as pair

    specs, every, trains = convergence.from_generations(specs, spikes)
    preds = [q for q in every if "start_Hz" not in q]  # the loops of the closed loop
    two = pair.is_pair(specs[-1])  # E and I pools of two models: r* = [r_E, r_I]
    A, L, N = (pair if two else sc).layout(specs[-1])
    write_json(selfconsistent, {
        "method": (pair if two else sc).__doc__.split("\n\n")[1].replace("\n", " "),
        "settings": specs[-1]["selfconsistent"], "predictions": preds,
        "other_starts": convergence.start_comparison(every),
        "size": {"generations": len(specs),
                 "neurons_per_generation": A * L * N * (len(pair.POPS) if two else 1),
                 "simulated_ms_per_generation": specs[-1]["duration_ms"]},
        "provenance": trains[-1].meta["provenance"]})
    if two:  # the figure's one line per external rate and population
        preds = [{"nu_ext_Hz": q["nu_ext_Hz"], "population": pop, "history": q["history"][pop]}
                 for q in preds for pop in pair.POPS]
    _save("selfconsistent_convergence", figure, preds, specs[-1]["model"])


def write_selfconsistent_cost(sims, network_sim, cost) -> None:
    """The cost of (iv): NEST's simulate time of the generations against the base
    network's, in a file of its own (wall-clock times: the one output that same seed and
    VPs do not repeat; the one that reads the network run, which (iv) does not)."""
    per_generation = [simulate_seconds(x) for x in sims]
    network = simulate_seconds(single_file(network_sim))
    write_json(cost, {"simulate_s_per_generation": per_generation,
                      "generations_s": sum(per_generation), "network_s": network,
                      "ratio": sum(per_generation) / network if network else None,
                      "note": "NEST simulate time (s, slowest rank) of all generations "
                              "against the base network run: wall-clock, not reproducible"})


def write_predictions(fit, base_spec, ext_specs, calibration, selfconsistent,
                      predictions) -> None:
    """Every prediction of the closed loop over the external-rate sweep (the registry's
    predictors): from the f-I fit, the network's parameters (specs), the calibration
    and the self-consistent generations; nothing of a network run."""
    model, p, _ = load_rate_model(fit, base_spec)
    runs = [read_json(x)["network"] for x in ext_specs]
    cal = read_json(calibration)
    out = ver.closed_loop_predictions(p, model, runs, cal,
                                      read_json(selfconsistent)["predictions"])
    write_json(predictions, out | {"provenance": cal["provenance"]})


def write_closedloop(fit, base_spec, ext, calibration, selfconsistent, predictions,
                     closedloop, figure) -> None:
    """Closed-loop rows (the predictions against the network runs) and diagnostics
    (JSON), the self-consistent check, and the rates-vs-input figure."""
    model, p, _ = load_rate_model(fit, base_spec)
    cal = read_json(calibration)
    stats = [read_json(x) for x in ext]
    iterated = read_json(selfconsistent)
    rows = ver.closedloop_rows(read_json(predictions), stats)
    diagnostics = ver.closed_loop_diagnostics(p, model, stats)
    check = ver.selfconsistent_check(iterated["predictions"], stats)
    write_json(closedloop, {"rows": rows, "diagnostics": diagnostics, "selfconsistent": check,
                            "other_starts": iterated.get("other_starts", [])})
    curves = ver.theory_curves(p, model, [s["network"]["nu_ext_Hz"] for s in stats], cal)
    _save("rates_vs_input", figure, rows, curves, model.name, diagnostics,
          iterated["predictions"])


def write_two_population(fit, fit_I, base_spec, ext_specs, ext, calibration, calibration_I,
                         selfconsistent, two_population, csv, figure) -> dict:
    """The closed loop of a two-model network (E and I neurons of different models):
    every prediction with a two-population form from the two f-I fits, the network's
    parameters, the two calibrations of (iii) and the self-consistent pair loop (iv)
    (theory.two_population; nothing of a network run), against the network
    over the external-rate sweep; per population and rate band the errors ((iv)'s at
    the external rates where its loop converged, with the converged count), the
    predictions without that form named with the reason."""
    from . import two_population as tp

    base = read_json(single_file(base_spec))
    models = tp.models_of(base)
    fits = {"E": read_json(fit)["deterministic"], "I": read_json(fit_I)["deterministic"]}
    p2 = tp.derive(models, base["derived"], base["network"], fits)
    cals = {"E": read_json(calibration), "I": read_json(calibration_I)}
    iterated = read_json(selfconsistent)["predictions"]
    preds = ver.two_population_predictions(
        p2, models, [read_json(x)["network"] for x in ext_specs], cals, iterated)
    stats = [read_json(x) for x in ext]
    rows = ver.closedloop_rows(preds, stats)
    check = {"runs": iterated}  # converged_only reads each run's nu_ext_Hz and converged
    errors = {}  # per population, its own model's rate bands
    for pop in tp.POPS:
        t_ref = models[pop].t_ref_ms
        t_ref = t_ref and float(t_ref)
        mine = {c: [v for v, q in zip(rows[c], rows["population"]) if q == pop] for c in rows}
        errors[pop] = ver.summary(mine, t_ref).get("closed_loop", {})
        # (iv) judged only where its loop converged, never at its unconverged points
        errors[pop].pop("selfconsistent", None)
        at_converged = ver.converged_only(mine, check, t_ref)
        if at_converged and at_converged["errors"] is not None:
            errors[pop]["selfconsistent"] = at_converged["errors"]
    write_csv(csv, rows, ver.COLUMNS)
    # how far the network's operating points lie from (iii)'s calibration conditions
    # (reported only: no prediction reads the network's rates)
    judged = [("network", s["populations"]["E"]["rate_Hz"], s["populations"]["I"]["rate_Hz"],
               s["network"]["nu_ext_Hz"]) for s in stats]
    conds = cals["E"]["conditions"]
    used = list(zip(conds["r_E_Hz"], conds["r_I_Hz"], conds["nu_ext_Hz"]))
    out = {"models": {a: m.name for a, m in models.items()},
           "calibration_distance": openloop.condition_distances(judged, used),
           "rate_model": {k: p2[k] for k in ("W_pC", "W_ext_pC", "theta_pA", "beta_Hz_per_pA",
                                             "v_theta_mV", "I_theta0_pA")},
           "predictions": preds, "errors": errors,
           "selfconsistent": {"converged": sum(q["converged"] for q in iterated),
                              "n": len(iterated),
                              "runs": [{k: q[k] for k in ("nu_ext_Hz", "rate_Hz",
                                                          "rate_interval_Hz", "cv_isi", "fano",
                                                          "bracketed", "converged",
                                                          "not_converged")}
                                       for q in iterated]},
           "networks": [{"nu_ext_Hz": s["network"]["nu_ext_Hz"],
                         "asynchronous_irregular": s["ai_state"]["asynchronous_irregular"]}
                        for s in sorted(stats, key=lambda s: s["network"]["nu_ext_Hz"])],
           "provenance": read_json(fit)["provenance"]}
    write_json(two_population, out)
    _save("two_population_rates", figure, rows, preds, out["models"])
    return {pop: {k: v["bands"]["1_50Hz"] for k, v in e.items()} for pop, e in errors.items()}


def write_feedback(fit, base_spec, fb_spec, fb_spikes, rows, fb_csv, fb_json, figure) -> None:
    """Uniform feedback: its rows, the open-loop F(r) table, a record per gain, figure."""
    model, p, _ = load_rate_model(fit, base_spec)
    spec = read_json(fb_spec)
    spikes = SpikeTrains.read(fb_spikes)
    fb_rows, table, records = ver.uniform_feedback(model, p, spec,
                                                   fb.measured_rates(spec, spikes))
    write_json(rows, fb_rows)
    write_csv(fb_csv, table, ver.FEEDBACK_COLUMNS)
    write_json(fb_json, {"experiment": "uniform feedback, eqs. 11.34-11.37",
                         "settings": spec["feedback"], "loop_gains": records,
                         "provenance": spikes.meta["provenance"]})
    curves = ver.feedback_curves(model, p, spec["feedback"])
    _save("uniform_feedback", figure, table, records, curves, model.name)


def write_step(fit, base_spec, step_csv, step_json, provenance, dynamics_csv, dynamics_json,
               figure, slow_ms=None) -> None:
    """The rate model's response to the network's step (network/step_response.*); for
    an adapting model also (ii) with its averaged variables made dynamic
    (dynamics.step_with_adaptation; slow_ms: the config's adaptation.slow_ms)."""
    model, p, _ = load_rate_model(fit, base_spec)
    step, measured = read_json(step_json), read_csv(step_csv)
    table, summary = dynamics.model_step_response(p, model, step, measured)
    adapting = dynamics.step_with_adaptation(p, model, step, measured, slow_ms)
    if adapting is not None:
        table["predicted_Hz_adapting"], summary["adaptation"] = adapting
    write_csv(dynamics_csv, table, list(table))
    write_json(dynamics_json, summary | {"provenance": _provenance(provenance)})
    _save("step_dynamics", figure, table, summary, model.name)


def write_summary(model, base_spec, openloop, closedloop, feedback, provenance, csv, summary,
                  figure) -> dict:
    """verification.csv (open loop, closed loop, uniform feedback) and summary.json."""
    neuron = model_from_spec(read_json(single_file(base_spec)))
    t_ref = neuron.t_ref_ms
    closed = read_json(closedloop)
    rows = ver.merge_rows(read_json(openloop), closed["rows"], read_json(feedback))
    out = ver.summary(rows, t_ref) | {"provenance": _provenance(provenance),
                               "closed_loop_diagnostics": closed["diagnostics"],
                               "selfconsistent": closed["selfconsistent"],
                               "selfconsistent_other_starts": closed.get("other_starts", []),
                               "calibration_distance": read_json(openloop).get(
                                   "calibration_distance")}
    out["closed_loop_selfconsistent_converged"] = ver.converged_only(
        rows, closed["selfconsistent"], t_ref and float(t_ref))
    mechanisms = adaptation.from_model(neuron)
    if not mechanisms.empty:  # an adapting model: its mechanisms and how each prediction uses them
        out["adaptation"] = {"mechanisms": mechanisms.records(),
                             "predictions": {p.key: p.adaptation for p in PREDICTORS}}
    write_csv(csv, rows, ver.COLUMNS)
    write_json(summary, out)
    _save("predicted_vs_simulated", figure, rows, out, model)
    return out
