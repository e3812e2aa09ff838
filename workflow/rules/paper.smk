# Composed, print-sized figures for a paper, one per claim (`make paper`, after
# `make run`): every figure is drawn by the one paper_figure rule from the inputs listed
# in PAPER_FIGURES, expanded over the models that have them.

BASE_RUN = RUNS["base"][0] if RUNS.get("base") else None

# claim -> (models it needs, input name -> file pattern with {model})
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
    "benchmark": (None, {"bench": str(ROOT / "bench" / "results" / "network.json")}),
}


def paper_models(claim):
    stage = PAPER_FIGURES[claim][0]
    if stage is None:
        return []
    if stage == "fi":
        return list(config["models"]) if "fi" in STAGES else []
    if stage == "theory" and not theory_outputs():
        return []
    return [m for m in NETWORK_MODELS if m in config["models"]]


def paper_claims():
    """The figures this config can draw (the benchmark's results are committed)."""
    return [c for c in PAPER_FIGURES if PAPER_FIGURES[c][0] is None or paper_models(c)]


def paper_inputs(wildcards):
    files = PAPER_FIGURES[wildcards.claim][1]
    models = paper_models(wildcards.claim)
    if not models:
        return {k: [v] for k, v in files.items()}
    return {k: expand(v, model=models) for k, v in files.items()}


rule paper_figure:
    input:
        unpack(paper_inputs),
    output:
        pdf="results/paper/{claim}.pdf",
        png=report(
            "results/paper/{claim}.png",
            caption=str(Path.cwd() / "results" / "paper" / "captions.rst"),
            category="Paper figures",
        ),
        caption="results/paper/{claim}.rst",
    log:
        "logs/paper/{claim}.log",
    benchmark:
        "benchmarks/paper/{claim}.tsv"
    params:
        entry="condrate.paper.stage.draw",
        name=lambda wildcards: wildcards.claim,
        models=lambda wildcards: paper_models(wildcards.claim),
    script:
        "../scripts/run_stage.py"


rule paper_captions:
    input:
        parts=expand("results/paper/{claim}.rst", claim=paper_claims()),
    output:
        captions_rst="results/paper/captions.rst",
    log:
        "logs/paper/captions.log",
    params:
        entry="condrate.paper.stage.gather_captions",
        names=paper_claims(),
    script:
        "../scripts/run_stage.py"


TABLE_CAPTIONS = {
    "threshold_fits": "table_threshold_fits.rst",
    "network_stats": "table_network_stats.rst",
    "theory_errors": "table_theory_errors.rst",
}


def table_inputs(wildcards):
    theory_models = paper_models("theory")
    return {
        "fits": expand(
            "results/fi/{model}/threshold_fit.json",
            model=paper_models("threshold_shift"),
        ),
        "stats": expand(
            PAPER_FIGURES["network"][1]["stats"], model=paper_models("network")
        ),
        "summaries": expand("results/theory/{model}/summary.json", model=theory_models),
    }


rule report_tables:
    input:
        unpack(table_inputs),
    output:
        **{
            f"{name}_csv": report(
                f"results/tables/{name}.csv",
                caption=f"../report/{caption}",
                category="Tables",
            )
            for name, caption in TABLE_CAPTIONS.items()
        },
    log:
        "logs/paper/tables.log",
    params:
        entry="condrate.paper.tables.write_tables",
        fi_models=paper_models("threshold_shift"),
        network_models=paper_models("network"),
        theory_models=paper_models("theory"),
    script:
        "../scripts/run_stage.py"


rule paper:
    input:
        expand("results/paper/{claim}.{ext}", claim=paper_claims(), ext=("pdf", "png")),
        rules.paper_captions.output,
        rules.report_tables.output,
