"""Figure captions with the numbers of the run they were drawn from (reStructuredText:
the Snakemake report renders them; results/paper/captions.rst gathers them)."""

from __future__ import annotations

from ..theory.predictors import PREDICTORS
from . import figures


def _pct(x) -> str:
    """A percentage from band_error (NaN: none)."""
    return "n/a" if x != x else f"{x:.0f} %"


def _share(x) -> str:
    """A fraction of a summary as a percentage (None: none)."""
    return _pct(float("nan") if x is None else 100 * x)


def _interval(values, unit: str) -> str:
    return f"[{values[0]:.1f}, {values[1]:.1f}] {unit}"


def threshold_shift(fi: dict) -> str:
    parts = []
    for m, (_, fit) in fi.items():
        d = fit["deterministic"]
        text = (f"{m} v_θ = {d['v_theta_mV']:.1f} mV {_interval(d['v_theta_interval_mV'], 'mV')}"
                f", I_θ0 = {d['I_theta0_pA']:.0f} pA")
        if "noisy" in fit:
            text += f" (noisy input: v_θ = {fit['noisy']['v_theta_mV']:.1f} mV)"
        parts.append(text)
    return ("f–I curves under added membrane conductance. A–: rate against injected current "
            "per total conductance g_L^total (dots: NEST, deterministic input; lines: the joint "
            "fit r = β[I − I_θ0 − v_θ g]_+ within its grey rate band). Next: threshold current "
            "against g_L^total (points: rheobase at 1 Hz; lines: joint fit). Last: v_θ with its "
            "interval (union of bootstrap and fit-band range) for deterministic and noisy input. "
            + "; ".join(parts) + ".")


def network(runs: dict) -> str:
    parts = []
    for m, (_, st) in runs.items():
        e = st["populations"]["E"]
        parts.append(f"{m}: E {e['rate_Hz']:.1f} Hz, ISI CV {e['cv_isi']['mean']:.2f}, Fano "
                     f"{e['fano']['mean']:.2f}, χ {e['chi']:.3f}, "
                     f"{'AI' if st['ai_state']['asynchronous_irregular'] else 'not AI'}")
    net = next(iter(runs.values()))[1]["network"]
    return (f"The E/I network ({net['N_E']} E, {net['N_I']} I neurons, K_E = {net['K_E']}, "
            f"K_I = {net['K_I']}, ν_ext = {net['nu_ext_Hz']:g} Hz) of each model. A: raster of "
            "80 E (vermillion) and 20 I (blue) neurons over the last 300 ms. B, C: per-neuron "
            "rates and ISI CVs in the analysed window. D: mean excitatory, inhibitory (sign "
            "flipped) and total input current of sampled E neurons (error bar: s.d. of the "
            "total over time). " + "; ".join(parts) + ".")


def theory(models: dict) -> str:
    parts = []
    for m, d in models.items():
        errs = ", ".join(
            f"{q.numeral} "
            f"{_pct(figures.band_error(d['summary'], 'closed_loop', q.key, 'median_rel_error'))}"
            for q in PREDICTORS)
        parts.append(f"{m}: {errs}")
    return ("Rate theory against NEST. A–: the E/I network's E rate against the external rate "
            "(NEST, ± s.e.m.) and the predictions "
            + ", ".join(f"{q.numeral} {q.name}" for q in PREDICTORS)
            + " (the self-consistent loop with the 95 % bootstrap interval of its last "
            "generation). No prediction takes anything from the network run. Next: "
            "open loop, prediction (ii) against NEST (grey: the 1–50 Hz band); uniform "
            "excitatory feedback, predicted ignition threshold against NEST's open-loop "
            "crossing; closed-loop median relative error in the 1–50 Hz band per prediction "
            "(ticks: 90th percentile; dotted: 10 %). Closed-loop 1–50 Hz median errors: "
            + "; ".join(parts) + ".")


def dynamics(models: dict) -> str:
    parts = []
    for m, (_, summ) in models.items():
        t = summ["response_time_ms"]
        parts.append(f"{m}: NEST {t['simulated']:.2f} ms, τ_m model {t['tau_m']:.2f} ms, "
                     f"τ_eff {t['tau_eff']:.2f} ms, synaptic {t['synaptic']:.2f} ms"
                     if None not in t.values() else f"{m}: n/a")
    return ("Response to a step of the external rate, normalised to the change between the two "
            "steady states: NEST's network (mean over up-steps, smoothed) and the rate model "
            "started at its fixed point with time constant τ_m, τ_eff, or each input filtered "
            "by its synapse. Times to 63 %: " + "; ".join(parts) + ".")


def benchmark(bench: dict) -> str:
    r = bench["results"]
    m = bench["machine"]
    walls = "; ".join(
        f"{x['model']}: " + ", ".join(f"{k} {v['wall_s_per_sim_s']:.1f}" for k, v in
                                      x["splits"].items()) for x in r)
    whose = ("the reference machine (the committed bench/results/network.json; make bench "
             "measures this one)" if bench.get("reference") else "this machine (make bench)")
    return (f"Benchmark of {whose}: a {m['cpus']}-core {m['machine']} machine, {r[0]['neurons']} "
            "neurons. A: wall seconds per simulated second per model and launch "
            f"(ranks × threads): {walls}. B: peak resident memory of a rank against the number "
            f"of synapses; the linear model (base {bench['memory']['base_kB'] / 1024:.0f} MiB, "
            f"{bench['memory']['bytes_per_synapse']:.0f} B per synapse, "
            f"{bench['memory']['kB_per_neuron']:.0f} kB per neuron) fitted on these runs.")


def adaptation(models: dict) -> str:
    parts = []
    for m, d in models.items():
        own = {p["condition"]: p for p in d["summary"]["parts"] if p["strength"] == 1.0}
        step = d["step"]
        lo, hi = step["nest"]["tau_interval_ms"]
        parts.append(
            f"{m}: steady-state error {_pct(100 * own['deterministic']['median_rel_error'])} "
            f"deterministic (n = {own['deterministic']['n']}), "
            f"{_pct(100 * own['noisy']['median_rel_error'])} noisy (n = {own['noisy']['n']}); "
            f"slow time constant NEST {step['nest']['tau_ms']:.0f} ms [{lo:.0f}, {hi:.0f}], "
            f"predicted {step['predicted']['tau_ms']:.0f} ms")
    return ("Adaptation as another averaged variable (lecture 11). Top row: steady-state f–I at the "
            "model file's adaptation strength, no added conductance, deterministic input: NEST "
            "(dots), the reference neuron's f–I (slow mechanisms off; grey) with the averaged "
            "adaptation current from the model's parameters subtracted (line), and the initial "
            "f–I, 1 / first interspike interval (open circles); grey band: the 1–50 Hz band "
            "where errors are judged. Second row: adapted gain against strength (markers NEST, lines "
            "predicted); the gain at +40 nS over the gain without (1: conductance shifts the "
            "threshold only); the population rate of unconnected neurons after a current "
            "step, NEST (thin) and the rate equations with one slow variable per mechanism "
            "(dashed), over NEST's steady rate. Nothing of the adapted runs enters a "
            "prediction. " + "; ".join(parts) + "." + _adapting_network(models))


def _adapting_network(models: dict) -> str:
    """The caption of the adaptation figure's third row (panels G-I), where the run has it."""
    out = []
    for m, d in models.items():
        if "theory_summary" not in d:
            continue
        s = d["theory_summary"]
        conv = s["closed_loop_selfconsistent_converged"]
        fluct = s["closed_loop"]["fluct"]["bands"]["1_50Hz"]
        text = f"{m}: (ii) {_share(fluct['median_rel_error'])} (n = {fluct['n']}), (iv) "
        if conv["errors"]:  # (iv) is judged at its converged drives only
            own = conv["errors"]["bands"]["1_50Hz"]
            text += f"{_share(own['median_rel_error'])} (n = {own['n']}; "
        else:
            text += "not judged ("
        text += f"converged at {conv['converged']} of {conv['n']} drives)"
        step = d["network_step_fit"].get("adaptation")
        if step:
            lo, hi = step["nest"]["tau_interval_ms"]
            text += (f", slow time constant after the step NEST {step['nest']['tau_ms']:.0f} ms "
                     f"[{lo:.0f}, {hi:.0f}], (ii) {step['predicted']['tau_ms']:.0f} ms, slow "
                     f"share NEST {_share(step['slow_fraction']['nest'])}, (ii) "
                     f"{_share(step['slow_fraction']['predicted'])}")
        out.append(text)
    if not out:
        return ""
    text = (" Third row: the E/I network with adapting E and I cells (g the study's; the "
            "models' colours as in the second row). Left: E rate against ν_ext, NEST (markers), "
            "the rate equation (ii) with the averaged variables (line) and the self-consistent "
            "single neurons (iv) (dotted, crosses, where its loop converged); middle: E rate "
            "after a step of ν_ext, NEST (25 ms bins) and (ii) with each averaged variable "
            "relaxing with its own time constant (dashed), which takes nothing of the run but "
            "the step's times and external rates. Closed-loop median error in the 1–50 Hz band ((iv) at "
            "the drives where it converged), and the step: "
            + "; ".join(out) + ".")
    mapped = [(m, d) for m, d in models.items() if "map_summary" in d]
    if mapped:
        m, d = mapped[0]
        s = d["map_summary"]["summary"]
        q = s["predictions"]["fluct"]
        text += (f" Right: the map of {m} over adaptation strength × ν_ext, the error of (ii) "
                 f"(colour, saturating at 100 %), its 10 % border (black) and the asynchronous-"
                 f"irregular points' border (white, dashed): (ii) within 10 % at {q['n_within']} "
                 f"of {s['points_firing']} firing points ({q['n_within_ai']} of "
                 f"{s['points_ai']} AI points), median error "
                 f"{_share(q['median_rel_error']['all'])}.")
    return text
