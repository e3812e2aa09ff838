# Input functions of the analysis rules and the final targets.


STAGES = config.get("stages", ["fi", "network", "theory"])
NETWORK_MODELS = (
    config["network"].get("models", config["models"])
    if "network" in config and "network" in STAGES
    else []
)
RUNS = sweep_runs(config) if "network" in config else {}
TWO_MODEL = two_model_networks(config, ROOT)  # {model: its I population's model}
SWEEP_FIGURES = ("ext_sweep", "step_response", "k_scaling")


def network_file(wildcards):
    return ROOT / config["models_dir"] / f"{config['network']['parameters']}.yaml"


def _run_files(wildcards, kind, name):
    return [f"results/network/{wildcards.model}/{run}/{name}" for run in RUNS[kind]]


def ext_stats(wildcards):
    return _run_files(wildcards, "ext", "stats.json")


def ext_specs(wildcards):
    return _run_files(wildcards, "ext", "spec.json")


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


def inhibitory_fit(wildcards):
    """The f-I fit of the I population's model of a two-model network."""
    return f"results/fi/{TWO_MODEL[wildcards.model]}/threshold_fit.json"


def two_population_outputs():
    """The theory stage of the two-model networks (rule theory_two_population)."""
    if "theory" not in STAGES or "theory" not in config:
        return []
    return [
        f"results/theory/{model}/two_population.json"
        for model in NETWORK_MODELS
        if model in TWO_MODEL
    ]


def theory_outputs():
    """The theory stage of the one-model networks."""
    if "theory" not in STAGES or "theory" not in config:
        return []
    return [
        f"results/theory/{model}/{name}"
        for model in NETWORK_MODELS
        if model in config["models"] and model not in TWO_MODEL
        for name in (
            "derived_params.json",
            "verification.csv",
            "summary.json",
            "uniform_feedback.csv",
            "step_dynamics.csv",
            "selfconsistent.json",
            "selfconsistent_cost.json",
        )
    ]


ADAPTATION_MODELS = (
    config["adaptation"]["models"]
    if "adaptation" in config and "adaptation" in STAGES
    else []
)


def adaptation_parts(name):
    """The file ``name`` of every strength part of {model} (adaptation.smk)."""

    def files(wildcards):
        return [
            f"results/adaptation/{wildcards.model}/fi/{part}/{name}"
            for part in adaptation_experiment.parts(config)
            if part != adaptation_experiment.REFERENCE
        ]

    return files


def adaptation_outputs():
    out = []
    for model in ADAPTATION_MODELS:
        out += [
            f"results/adaptation/{model}/prediction.csv",
            f"results/adaptation/{model}/summary.json",
            f"results/adaptation/{model}/step.json",
            f"results/figures/adaptation_{model}.pdf",
        ]
    return out


def final_outputs():
    out = network_outputs() + theory_outputs() + two_population_outputs()
    out += adaptation_outputs()
    if theory_outputs():
        out += ["results/summary.md", "results/summary.json"]
    for model in config["models"] if "fi" in STAGES else []:
        out += [
            f"results/fi/{model}/fi_curves.csv",
            f"results/fi/{model}/threshold_fit.json",
            f"results/figures/fi_shift_{model}.pdf",
            f"results/figures/fi_shift_{model}.png",
        ]
    return out


# The paper figures (paper.smk): every figure is drawn by the one paper_figure rule
# from the inputs listed here, expanded over the models that have them.
BASE_RUN = RUNS["base"][0] if RUNS.get("base") else None

# claim -> (the stage whose models it draws, input name -> file pattern with {model})
PAPER_FIGURES = {
    "threshold_shift": (
        "fi",
        {
            "curves": "results/fi/{model}/fi_curves.csv",
            "fit": "results/fi/{model}/threshold_fit.json",
        },
    ),
    "network": (
        "network",
        {
            "spikes": f"results/network/{{model}}/{BASE_RUN}/spikes.parquet",
            "stats": f"results/network/{{model}}/{BASE_RUN}/stats.json",
        },
    ),
    "theory": (
        "theory",
        {
            "rows": "results/theory/{model}/verification.csv",
            "summary": "results/theory/{model}/summary.json",
            "selfconsistent": "results/theory/{model}/selfconsistent.json",
            "feedback": "results/theory/{model}/uniform_feedback.json",
        },
    ),
    "dynamics": (
        "theory",
        {
            "table": "results/theory/{model}/step_dynamics.csv",
            "summary": "results/theory/{model}/step_dynamics.json",
        },
    ),
    # this machine's `make bench` where it ran, else the committed reference machine's
    "benchmark": (
        None,
        {
            "bench": (
                "results/bench/network.json"
                if os.path.exists("results/bench/network.json")
                else str(ROOT / "bench" / "results" / "network.json")
            )
        },
    ),
    "adaptation": (
        "adaptation",
        {
            "prediction": "results/adaptation/{model}/prediction.csv",
            "summary": "results/adaptation/{model}/summary.json",
            "step": "results/adaptation/{model}/step.json",
        },
    ),
}


# claim -> input name -> file pattern with {model} that a figure draws for those of its
# models that have the file (the adaptation figure: the adapting network's closed loop
# and step where the theory stage runs it, the map over adaptation strength where the
# map runs it), and the models that have it
PAPER_OPTIONAL = {
    "adaptation": {
        "closed_loop": "results/theory/{model}/verification.csv",
        "theory_summary": "results/theory/{model}/summary.json",
        "network_step": "results/theory/{model}/step_dynamics.csv",
        "network_step_fit": "results/theory/{model}/step_dynamics.json",
        "map": "results/map/{model}/map.csv",
        "map_summary": "results/map/{model}/map.json",
    },
}


def optional_models(key):
    """The models that have the optional paper input ``key`` (PAPER_OPTIONAL)."""
    if key.startswith("map"):
        strength = config.get("map", {}).get("axis") == "adaptation_strength"
        return map_models(config) if strength else []
    outputs = set(theory_outputs())
    return [m for m in NETWORK_MODELS if f"results/theory/{m}/summary.json" in outputs]


def paper_models(claim):
    stage = PAPER_FIGURES[claim][0]
    if stage is None:
        return []
    if stage == "fi":
        return list(config["models"]) if "fi" in STAGES else []
    if stage == "adaptation":
        return list(ADAPTATION_MODELS)
    if stage == "theory" and not theory_outputs():
        return []
    return [m for m in NETWORK_MODELS if m in config["models"] and m not in TWO_MODEL]


def paper_claims():
    """The figures this config can draw (the benchmark's results are committed)."""
    return [c for c in PAPER_FIGURES if PAPER_FIGURES[c][0] is None or paper_models(c)]


def paper_inputs(wildcards):
    files = PAPER_FIGURES[wildcards.claim][1]
    models = paper_models(wildcards.claim)
    if not models:
        return {k: [v] for k, v in files.items()}
    out = {k: expand(v, model=models) for k, v in files.items()}
    for k, v in PAPER_OPTIONAL.get(wildcards.claim, {}).items():
        out[k] = expand(v, model=[m for m in models if m in optional_models(k)])
    return out


TABLE_CAPTIONS = {
    "threshold_fits": "table_threshold_fits.rst",
    "network_stats": "table_network_stats.rst",
    "theory_errors": "table_theory_errors.rst",
}


def table_inputs(wildcards):
    """The files of the key tables: those the paper figures read."""
    return {
        "fits": expand(
            PAPER_FIGURES["threshold_shift"][1]["fit"],
            model=paper_models("threshold_shift"),
        ),
        "stats": expand(
            PAPER_FIGURES["network"][1]["stats"], model=paper_models("network")
        ),
        "summaries": expand(
            PAPER_FIGURES["theory"][1]["summary"], model=paper_models("theory")
        ),
    }


# The validity map (map.smk): its models, point names and input functions.
MAP_MODELS = map_models(config) if "map" in config else []
MAP_POINTS = point_names(config) if "map" in config else []
MAP_ITERATED = "results/map/{model}/selfconsistent"


def map_outputs(wildcards):
    """The map's tables and figures."""
    return expand(
        "results/map/{model}/map.{ext}", model=MAP_MODELS, ext=("csv", "json")
    ) + expand("results/figures/map_{model}.pdf", model=MAP_MODELS)


def map_point_files(name):
    def files(wildcards):
        return expand(
            f"results/map/{wildcards.model}/{{point}}/{name}", point=MAP_POINTS
        )

    return files


def map_inhibitory(pattern):
    """A two-model network's file of its I model (pattern with {model} and
    {inhibitory}); none for a one-model network."""

    def files(wildcards):
        if wildcards.model not in TWO_MODEL:
            return []
        return [
            pattern.format(model=wildcards.model, inhibitory=TWO_MODEL[wildcards.model])
        ]

    return files


def map_generations(name):
    """The files ``name`` of every generation of the map's self-consistent run."""
    n = map_selfconsistent_generations(config) if "map" in config else 0
    return [f"{MAP_ITERATED}/g{g}/{name}" for g in range(n)]


# The study summary (summary.smk): the files it reads, and the config files of the run
# as given on the command line (the default config first, as Snakemake merges them).
def summary_inputs(wildcards):
    theory = theory_outputs()
    models = [m for m in NETWORK_MODELS if m in config["models"]] if theory else []
    maps = [f"results/map/{m}/map.json" for m in MAP_MODELS]
    return {
        "theory": [f"results/theory/{m}/summary.json" for m in models],
        "feedback": [f"results/theory/{m}/uniform_feedback.json" for m in models],
        "stats": [f"results/network/{m}/{BASE_RUN}/stats.json" for m in models],
        # the map is its own target (make map); the summary shows it once it exists
        "maps": [f for f in maps if os.path.exists(f)],
    }


CONFIG_FILES = ["config/config.yaml"] + [
    os.path.relpath(f, ROOT) if str(f).startswith(str(ROOT)) else str(f)
    for f in workflow.configfiles
    if Path(f).resolve() != (ROOT / "config" / "config.yaml").resolve()
]
