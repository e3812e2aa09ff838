# Input functions of the analysis rules and the final targets.


STAGES = config.get("stages", ["fi", "network", "theory"])
NETWORK_MODELS = (
    config["network"].get("models", config["models"])
    if "network" in config and "network" in STAGES
    else []
)
RUNS = sweep_runs(config) if "network" in config else {}
SWEEP_FIGURES = ("ext_sweep", "step_response", "k_scaling")


def network_file(wildcards):
    return ROOT / config["models_dir"] / f"{config['network']['parameters']}.yaml"


def _run_files(wildcards, kind, name):
    return [f"results/network/{wildcards.model}/{run}/{name}" for run in RUNS[kind]]


def ext_stats(wildcards):
    return _run_files(wildcards, "ext", "stats.json")


def k_stats(wildcards):
    return _run_files(wildcards, "K", "stats.json")


def base_spec(wildcards):
    return _run_files(wildcards, "base", "spec.json")


def base_sim(wildcards):
    return _run_files(wildcards, "base", "sim")


ITERATED = "results/theory/{model}/selfconsistent"


def generations(name):
    """The files ``name`` of every self-consistent generation (g0, g1, ...)."""
    n = config.get("theory", {}).get("selfconsistent", {}).get("generations", 0)
    return [f"{ITERATED}/g{g}/{name}" for g in range(n)]


def step_file(name):
    def files(wildcards):
        return _run_files(wildcards, "step", name)

    return files


def network_outputs():
    out = []
    for model in NETWORK_MODELS:
        for run in RUNS["base"]:
            out += [
                f"results/network/{model}/{run}/spikes.parquet",
                f"results/network/{model}/{run}/stats.json",
                f"results/figures/network_{model}_{run}.pdf",
            ]
        if RUNS["ext"] and RUNS["K"] and RUNS["step"]:
            out += [f"results/network/{model}/ext_sweep.csv"]
            out += [f"results/figures/{f}_{model}.pdf" for f in SWEEP_FIGURES]
        out += [f"results/figures/network_{model}_{run}.pdf" for run in RUNS["step"]]
    return out


def theory_outputs():
    if "theory" not in STAGES or "theory" not in config:
        return []
    return [
        f"results/theory/{model}/{name}"
        for model in NETWORK_MODELS
        if model in config["models"]
        for name in (
            "derived_params.json",
            "verification.csv",
            "summary.json",
            "uniform_feedback.csv",
            "step_dynamics.csv",
            "selfconsistent.json",
        )
    ]


def final_outputs():
    out = network_outputs() + theory_outputs()
    for model in config["models"] if "fi" in STAGES else []:
        out += [
            f"results/fi/{model}/fi_curves.csv",
            f"results/fi/{model}/threshold_fit.json",
            f"results/figures/fi_shift_{model}.pdf",
            f"results/figures/fi_shift_{model}.png",
        ]
    return out
