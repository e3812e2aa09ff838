# E/I balanced network: statistics of each run and the balanced-state sweeps
# (spec, simulate and gather: simulation.smk).


# {tree}: network (the study's runs) or map (the validity map's points)
rule network_stats:
    input:
        spec="results/{tree}/{model}/{run}/spec.json",
        spikes="results/{tree}/{model}/{run}/spikes.parquet",
        sim="results/{tree}/{model}/{run}/sim",
    output:
        stats="results/{tree}/{model}/{run}/stats.json",
    log:
        "logs/{tree}/{model}/{run}/stats.log",
    benchmark:
        "benchmarks/{tree}/{model}/{run}/stats.tsv"
    params:
        entry="condrate.network.stage.write_network_stats",
    script:
        "../scripts/run_stage.py"


rule plot_network_activity:
    input:
        spikes="results/network/{model}/{run}/spikes.parquet",
        stats="results/network/{model}/{run}/stats.json",
    output:
        pdf="results/figures/network_{model}_{run}.pdf",
        png=report(
            "results/figures/network_{model}_{run}.png",
            caption="../report/network_activity.rst",
            category="Network",
            subcategory="{model}",
        ),
    log:
        "logs/figures/network_{model}_{run}.log",
    benchmark:
        "benchmarks/figures/network_{model}_{run}.tsv"
    params:
        entry="condrate.network.stage.plot_activity",
    script:
        "../scripts/run_stage.py"


rule balanced_state:
    input:
        ext=ext_stats,
        base_spec=base_spec,
        k=k_stats,
        step_spec=step_file("spec.json"),
        step_spikes=step_file("spikes.parquet"),
        step_stats=step_file("stats.json"),
    output:
        ext_csv="results/network/{model}/ext_sweep.csv",
        ext_json="results/network/{model}/ext_sweep.json",
        step_csv="results/network/{model}/step_response.csv",
        step_json="results/network/{model}/step_response.json",
        k_csv="results/network/{model}/k_scaling.csv",
        pdf=expand("results/figures/{fig}_{{model}}.pdf", fig=SWEEP_FIGURES),
        png=[
            report(
                f"results/figures/{fig}_{{model}}.png",
                caption="../report/balanced_state.rst",
                category="Network",
                subcategory="{model}",
            )
            for fig in SWEEP_FIGURES
        ],
    log:
        "logs/network/{model}/balanced_state.log",
    benchmark:
        "benchmarks/network/{model}/balanced_state.tsv"
    params:
        entry="condrate.network.stage.write_balanced_state",
    script:
        "../scripts/run_stage.py"


rule export_spikes:
    input:
        spec="results/network/{model}/{run}/spec.json",
        spikes="results/network/{model}/{run}/spikes.parquet",
    output:
        nwb="results/network/{model}/{run}/spikes.nwb",
        nix="results/network/{model}/{run}/spikes.nix",
    log:
        "logs/network/{model}/{run}/export.log",
    benchmark:
        "benchmarks/network/{model}/{run}/export.tsv"
    params:
        entry="condrate.network.export.export_spikes",
    script:
        "../scripts/run_stage.py"


# NWB and NIX files of every base network run (`make export`; any run on request)
rule export:
    input:
        expand(
            "results/network/{model}/{run}/spikes.{ext}",
            model=NETWORK_MODELS,
            run=RUNS.get("base", []),
            ext=("nwb", "nix"),
        ),
