"""The f-I of an adapting neuron at several adaptation strengths, and of its reference.

A part of an adapting model (results folder ``adaptation/<model>/fi/<part>``) is the f-I
grid of the fi stage (condrate.fi.experiment: deterministic and noisy conditions, added
conductance Delta_g, I = g_total u) with the model's slow adaptation mechanisms
(condrate.theory.adaptation: time constant >= adaptation.slow_ms) scaled:
  ``reference``: strength 0, the neuron the averaged variable is added to;
  ``s<x>``:      strength x (``s1`` the model as its file gives it), one per
                 adaptation.strengths.
Rates are counted after adaptation.warmup_ms, long against the slowest time constant:
the steady state.
"""

from __future__ import annotations

from ..errors import ConfigError
from ..fi.experiment import balanced_noise, create_fi, fi_table
from ..params import model_spec
from ..protocol import Experiment
from ..theory import adaptation as ad

REFERENCE = "reference"


def part_name(strength: float) -> str:
    return f"s{strength:g}"


def parts(config: dict) -> list:
    """Every part of an adapting model the config asks for."""
    return [REFERENCE] + [part_name(x) for x in config["adaptation"]["strengths"]]


def strength_of(part: str) -> float:
    if part == REFERENCE:
        return 0.0
    try:
        return float(part[1:])
    except ValueError:
        raise ConfigError(f"adaptation part '{part}': not '{REFERENCE}' or s<strength>") from None


def slow_adaptation(config: dict, model) -> ad.Adaptation:
    """The model's averaged (slow) adaptation at strength 1."""
    return ad.from_model(model).slow(config["adaptation"]["slow_ms"])


def model_as_filed(spec: dict):
    """The model of a part's spec at strength 1: its file and the config's overrides,
    without the part's strength overrides."""
    from ..params import build_model

    config_overrides = spec["config"].get("model_params", {}).get(spec["model"], {})
    return build_model(spec["model_file"], spec["model"], config_overrides, spec["mechanism"],
                       spec.get("integrator", "nest"), spec.get("nestml"))


def adapted_fi_spec(config: dict, model_name: str, root=".", part: str = REFERENCE) -> dict:
    """The spec of one part: the fi grid of the adaptation section, the strength
    overrides on top of the config's own."""
    model, entries = model_spec(config, model_name, root)
    slow = slow_adaptation(config, model)
    if slow.empty:
        raise ConfigError(f"adaptation.models: {model_name} has no adaptation mechanism "
                          f"slower than adaptation.slow_ms = {config['adaptation']['slow_ms']} ms")
    c, fi = config["adaptation"], config["fi"]
    entries["overrides"] = dict(entries["overrides"]) | ad.strength_overrides(
        model.params, slow, strength_of(part))
    return entries | {
        "kind": "adapted_fi",
        "strength": strength_of(part),
        "table": fi_table(model, c["conditions"], c["delta_g_nS"],
                          c["per_model"][model_name]["drive_mV"]),
        "fit_band_Hz": c["per_model"][model_name]["fit_band_Hz"],
        "noise": {str(float(dg)): balanced_noise(model, float(dg), fi["noise_quantal_nS"])
                  for dg in c["delta_g_nS"]},
        "kernel": dict(config["nest"]),
        "duration_ms": c["duration_ms"],
        "warmup_ms": c["warmup_ms"],
        "config": config,
    }


def build(nest, model, spec: dict):
    return create_fi(nest, model, spec["table"], spec["noise"])


EXPERIMENT = Experiment(kind="adapted_fi", path="adaptation/{model}/fi/{part}",
                        sections=("adaptation", "fi"), spec=adapted_fi_spec, build=build)


def step_currents(model, step: dict) -> tuple:
    """(I before, I after) of the step (pA): the model's drive_mV x the total
    conductance."""
    g_total = model.g_L_nS + float(step["delta_g_nS"])
    return tuple(g_total * float(u) for u in step["drive_mV"][model.name])


def step_spec(config: dict, model_name: str, root=".") -> dict:
    """An unconnected population of the adapting model (strength 1) whose current steps
    up at adaptation.step.t_ms, in the step's condition (noisy: the balanced Poisson
    conductance of the fi stage, which keeps the population asynchronous)."""
    model, entries = model_spec(config, model_name, root)
    step, fi = config["adaptation"]["step"], config["fi"]
    I_before, I_after = step_currents(model, step)
    n = int(step["neurons"])
    table = {"condition": [step["condition"]] * n, "delta_g_nS": [float(step["delta_g_nS"])] * n,
             "g_total_nS": [model.g_L_nS + float(step["delta_g_nS"])] * n,
             "drive_mV": [float(step["drive_mV"][model_name][0])] * n, "I_pA": [I_before] * n}
    return entries | {
        "kind": "adapted_step",
        "table": table,
        "noise": {str(float(step["delta_g_nS"])): balanced_noise(
            model, float(step["delta_g_nS"]), fi["noise_quantal_nS"])},
        "step": {"t_ms": float(step["t_ms"]), "I_before_pA": I_before, "I_after_pA": I_after},
        "kernel": dict(config["nest"]),
        "duration_ms": float(step["t_end_ms"]),
        "warmup_ms": 0.0,
        "config": config,
    }


def build_step(nest, model, spec: dict):
    nodes = create_fi(nest, model, spec["table"], spec["noise"])
    step = spec["step"]
    # a step_current_generator adds the step to every neuron's constant current
    generator = nest.Create("step_current_generator", params={
        "amplitude_times": [step["t_ms"]],
        "amplitude_values": [step["I_after_pA"] - step["I_before_pA"]]})
    nest.Connect(generator, nodes.neurons)
    return nodes


STEP = Experiment(kind="adapted_step", path="adaptation/{model}/step",
                  sections=("adaptation", "fi"), spec=step_spec, build=build_step)
