"""Adapting neurons through the workflow (config/adaptation.yaml on config/tiny.yaml):
the steady-state f-I of AdEx with regular-spiking adaptation and of GLIF3 at several
adaptation strengths, predicted from the reference neuron's f-I and the averaged
adaptation variable, against NEST's single neurons; and an unconnected population's
answer to a step of the current against the rate equations with the averaged
variables."""

import json
import subprocess

import numpy as np
import pytest
import yaml

from condrate.io import read_csv
from helpers import ROOT, load_yaml, snakemake_cmd

pytestmark = pytest.mark.workflow

MODELS = ("aeif_cond_exp_rs", "glif_cond_asc")


@pytest.fixture(scope="module")
def adaptation_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("adaptation")
    config = load_yaml(ROOT / "config" / "tiny.yaml")
    overlay = load_yaml(ROOT / "config" / "adaptation.yaml")
    config |= {"models": list(MODELS), "stages": overlay["stages"]}  # GLIF5: the preset's
    config["fi"]["per_model"] |= overlay["fi"]["per_model"]
    for model in MODELS:  # the tiny grids
        config["fi"]["per_model"][model]["drive_mV"]["num"] = 61
        overlay["adaptation"]["per_model"][model]["drive_mV"]["num"] = 41
    config["adaptation"] = overlay["adaptation"] | {
        "models": list(MODELS), "strengths": [0.5, 1.0, 2.0], "duration_ms": 3000.0,
        "warmup_ms": 1500.0}
    config["adaptation"]["step"] |= {"neurons": 200, "t_ms": 1500.0, "t_end_ms": 2600.0}
    # the network's step as the preset's (one second up, one down), once
    config["network"]["sweeps"]["step"] = overlay["network"]["sweeps"]["step"] | {
        "t_ms": 1200.0, "t_sim_ms": 3200.0}
    # the preset's family, adaptation strength x nu_ext, on the tiny map's 2 x 2 grid
    config["map"] |= {"axis": "adaptation_strength", "adaptation_strength": [0.0, 1.0],
                      "models": [MODELS[0]]}
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    for target in ((), ("map",)):
        proc = subprocess.run(snakemake_cmd(work, *target, "--cores", "2", "--resources",
                                            "vp=2", "--configfile", str(work / "config.yaml")),
                              capture_output=True, text=True, timeout=1500)
        assert proc.returncode == 0, proc.stderr[-4000:]
    return work


def parts(work, model):
    return {(p["strength"], p["condition"]): p for p in json.loads(
        (work / "results/adaptation" / model / "summary.json").read_text())["parts"]}


@pytest.mark.parametrize("model", MODELS)
def test_the_steady_state_is_predicted_from_the_reference_and_the_averaged_variable(
        adaptation_run, model):
    """At the model's own strength: median error where NEST fires 1-50 Hz within 5 %
    (deterministic) and 10 % (noisy), while the reference neuron, which the prediction
    starts from, is far off: the averaged variable does the work."""
    p = parts(adaptation_run, model)
    assert p[(1.0, "deterministic")]["n"] >= 15 and p[(1.0, "noisy")]["n"] >= 15
    assert p[(1.0, "deterministic")]["median_rel_error"] <= 0.05
    assert p[(1.0, "noisy")]["median_rel_error"] <= 0.10
    rows = read_csv(adaptation_run / "results/adaptation" / model / "prediction.csv")
    sel = (np.asarray(rows["strength"]) == 1.0) & (rows["rate_Hz"] >= 1) & (rows["rate_Hz"] <= 50)
    reference_error = np.median(np.abs(rows["reference_Hz"][sel] - rows["rate_Hz"][sel])
                                / rows["rate_Hz"][sel])
    assert reference_error > 0.2


@pytest.mark.parametrize("model", MODELS)
def test_adaptation_divides_the_gain_as_predicted(adaptation_run, model):
    """The adapted gain without added conductance falls with the strength, in NEST and
    in the prediction, within 10 % of NEST's up to the model's own strength (at twice it
    the averaged variable overstates AdEx's gain by about a sixth on this grid:
    docs/adaptation.md)."""
    p = parts(adaptation_run, model)
    nest = [p[(s, "deterministic")]["levels"][0]["gain_nest_Hz_per_pA"] for s in (0.5, 1.0, 2.0)]
    pred = [p[(s, "deterministic")]["levels"][0]["gain_predicted_Hz_per_pA"]
            for s in (0.5, 1.0, 2.0)]
    assert nest[0] > nest[1] > nest[2] and pred[0] > pred[1] > pred[2]
    for a, b in zip(pred[:2], nest[:2]):
        assert a == pytest.approx(b, rel=0.10)


@pytest.mark.parametrize("model", MODELS)
def test_followed_along_the_interval_strong_adaptation_is_predicted_better(adaptation_run,
                                                                            model):
    """The adaptation followed along the interspike interval (predicted_interval_Hz, from
    the same inputs): at the model's own strength within the averaged prediction's goals
    (5 % deterministic, 10 % noisy); at twice the strength, where intervals approach the
    slow time constants, its p90 error below the averaged one's (the preset at four
    times AdEx's: 31 % against 65 %, docs/adaptation.md)."""
    p = parts(adaptation_run, model)
    assert p[(1.0, "deterministic")]["median_rel_error_interval"] <= 0.05
    assert p[(1.0, "noisy")]["median_rel_error_interval"] <= 0.10
    for cond in ("deterministic", "noisy"):
        assert p[(2.0, cond)]["p90_rel_error_interval"] < p[(2.0, cond)]["p90_rel_error"]


def test_the_reference_is_the_model_without_its_slow_mechanisms(adaptation_run):
    spec = lambda m, part: json.loads(  # noqa: E731
        (adaptation_run / "results/adaptation" / m / "fi" / part / "spec.json").read_text())
    assert spec("aeif_cond_exp_rs", "reference")["overrides"] == {"a": 0.0, "b": 0.0}
    assert spec("aeif_cond_exp_rs", "s2")["overrides"] == {"a": 8.0, "b": 161.0}
    assert spec("glif_cond_asc", "reference")["overrides"] == {"asc_amps": [0.0, -198.94]}
    assert spec("glif_cond_asc", "s1")["model_file"]["mechanism"] == "GLIF3"


@pytest.mark.parametrize("model", MODELS)
def test_a_step_makes_the_population_overshoot_and_relax_slowly(adaptation_run, model):
    """NEST's population overshoots and relaxes over tens to hundreds of ms, and the
    rate equations with the averaged variables do too, with an overshoot and a slow time
    constant within a third of NEST's on this small population (the preset's 1600
    neurons, within 15 %: docs/adaptation.md); NEST's time constant lies in its bootstrap
    interval, and the fit starts after the fast transient."""
    step = json.loads((adaptation_run / "results/adaptation" / model / "step.json").read_text())
    nest, pred = step["nest"], step["predicted"]
    assert step["neurons"] == 200 and nest["r_inf_Hz"] > nest["r_before_Hz"] + 5.0
    assert nest["overshoot"] > 1.3 and 20.0 < nest["tau_ms"] < 400.0
    lo, hi = nest["tau_interval_ms"]
    assert lo < nest["tau_ms"] < hi and hi - lo < nest["tau_ms"]
    assert nest["skip_ms"] == pred["skip_ms"] >= 15.0
    assert 0.75 < pred["tau_ms"] / nest["tau_ms"] < 1.33
    assert 0.75 < pred["overshoot"] / nest["overshoot"] < 1.33


@pytest.mark.parametrize("model", MODELS)
def test_the_initial_f_i_is_steeper_than_the_steady_state(adaptation_run, model):
    """The first interspike interval comes before the slow variables build up: at the
    model's own strength the initial gain is at least twice the adapted steady state's
    and within 30 % of the reference neuron's (the slow mechanisms off)."""
    level = parts(adaptation_run, model)[(1.0, "deterministic")]["levels"][0]
    initial = level["gain_initial_Hz_per_pA"]
    assert initial > 2.0 * level["gain_nest_Hz_per_pA"]
    assert initial == pytest.approx(level["gain_reference_Hz_per_pA"], rel=0.3)


def test_the_adapting_models_study_says_how_each_prediction_takes_adaptation(adaptation_run):
    """The study of the adapting models runs (i)-(iv); each model's theory summary lists
    its mechanisms and every prediction's way of taking them into account, and the
    answer's table of predictions gains that column."""
    from condrate.theory.predictors import KEYS

    for model in MODELS:
        summary = json.loads(
            (adaptation_run / "results/theory" / model / "summary.json").read_text())
        assert set(summary["adaptation"]["predictions"]) == set(KEYS)
        taus = sorted(m["tau_ms"] for m in summary["adaptation"]["mechanisms"])
        assert taus == pytest.approx({"aeif_cond_exp_rs": [144.0, 144.0],
                                      "glif_cond_asc": [10.0, 1000 / 3.0]}[model])
    md = (adaptation_run / "results/summary.md").read_text()
    assert "adaptation (aeif_cond_exp_rs, glif_cond_asc) |" in md


def test_the_adapting_network_after_a_step_of_nu_ext_with_dynamic_adaptation(adaptation_run):
    """The network's step of nu_ext (15 -> 25 Hz): (ii) with its averaged variables made
    dynamic rises to a higher rate and relaxes more slowly than the membrane but faster
    than the slowest mechanism (the network's loop shortens tau_a), overshooting; NEST's
    rate rises too and its slow component is fitted with a finite time constant."""
    for model in MODELS:
        s = json.loads((adaptation_run / "results/theory" / model
                        / "step_dynamics.json").read_text())["adaptation"]
        pred, nest = s["predicted"], s["nest"]
        assert pred["r_inf_Hz"] > pred["r_before_Hz"] + 1.0 and pred["overshoot"] > 1.0
        assert s["fit_from_ms"] < pred["tau_ms"] <= max(s["mechanism_tau_ms"])
        assert nest["r_inf_Hz"] > nest["r_before_Hz"] + 1.0
        assert 0.5 < nest["tau_ms"] < 5000.0


def test_the_paper_figure_of_adaptation_has_its_run_in_the_caption(adaptation_run):
    """`make paper` of an adapting config draws the composed adaptation figure; its
    caption carries the run's own numbers (the steady-state error and the step's time
    constants of each model)."""
    proc = subprocess.run(snakemake_cmd(adaptation_run, "results/paper/adaptation.pdf",
                                        "results/paper/adaptation.rst", "--cores", "2",
                                        "--configfile", str(adaptation_run / "config.yaml")),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (adaptation_run / "results/paper/adaptation.pdf").stat().st_size > 10_000
    caption = (adaptation_run / "results/paper/adaptation.rst").read_text()
    for model in MODELS:
        step = json.loads((adaptation_run / "results/adaptation" / model / "step.json").read_text())
        assert (f"{model}: steady-state error" in caption
                and f"predicted {step['predicted']['tau_ms']:.0f} ms" in caption)
        # the third row: the adapting network's closed loop and step of nu_ext
        theory = adaptation_run / "results/theory" / model
        conv = json.loads((theory / "summary.json").read_text())[
            "closed_loop_selfconsistent_converged"]
        fit = json.loads((theory / "step_dynamics.json").read_text())["adaptation"]
        # (iv) is judged at its converged drives only: no error where none converged
        own = caption.split("Third row")[1].split(f"{model}: (ii) ")[1].split("drives)")[0]
        assert ("(iv) not judged" in own) == (conv["converged"] == 0)
        assert (f"converged at {conv['converged']} of {conv['n']}" in own
                and f"(ii) {fit['predicted']['tau_ms']:.0f} ms, slow share" in caption)
    # and the map over adaptation strength of the one model the config maps
    s = json.loads((adaptation_run / "results/map" / MODELS[0] / "map.json").read_text())["summary"]
    assert (f"the map of {MODELS[0]} over adaptation strength" in caption
            and f"within 10 % at {s['predictions']['fluct']['n_within']} of "
                f"{s['points_firing']} firing points" in caption)
    assert f"the map of {MODELS[1]}" not in caption


def test_the_map_over_adaptation_strength(adaptation_run):
    """Without its adaptation (strength 0) the network fires faster than with it, and
    (ii) says so from the parameters alone; (i) and (iii), fitted and calibrated at
    strength 1, predict there only."""
    import csv

    path = adaptation_run / "results/map" / MODELS[0]
    with open(path / "map.csv") as fh:
        rows = {(float(r["adaptation_strength"]), float(r["nu_ext_Hz"])): r
                for r in csv.DictReader(fh)}
    assert set(rows) == {(a, nu) for a in (0.0, 1.0) for nu in (10.0, 20.0)}
    meta = json.loads((path / "map.json").read_text())
    assert meta["grid"]["adaptation_strength"] == [0.0, 1.0] and "g" not in meta["grid"]
    # the summary judges (i) at strength 1 only, where it is defined, (ii) everywhere
    n = {k: q["n_points"]["all"] for k, q in meta["summary"]["predictions"].items()}
    firing = {a: sum(float(r["rate_E_Hz"]) >= 1.0 for (s, _), r in rows.items() if s == a)
              for a in (0.0, 1.0)}
    assert n["linear"] == n["semianalytic"] == firing[1.0] >= 1
    assert n["fluct"] == firing[0.0] + firing[1.0]
    for nu in (10.0, 20.0):
        bare, own = rows[0.0, nu], rows[1.0, nu]
        assert float(bare["rate_E_Hz"]) > float(own["rate_E_Hz"]) > 0.5
        assert float(bare["fluct_Hz"]) > float(own["fluct_Hz"])
        assert bare["linear_Hz"] == bare["semianalytic_Hz"] == ""
        assert own["linear_Hz"] != "" and own["semianalytic_Hz"] != ""
    assert (adaptation_run / "results/figures" / f"map_{MODELS[0]}.png").stat().st_size > 0
