# E/I balanced network: simulate over MPI, gather, statistics, balanced-state sweeps.


rule network_spec:
    input:
        model=model_file,
        network=network_file,
    output:
        spec="results/network/{model}/{run}/spec.json",
    log:
        "logs/network/{model}/{run}/spec.log",
    benchmark:
        "benchmarks/network/{model}/{run}/spec.tsv"
    conda:
        "../../envs/condrate.yaml"
    params:
        root=ROOT,
        config=network_config,
    script:
        "../scripts/network_spec.py"


rule simulate_network:
    input:
        spec=rules.network_spec.output.spec,
    output:
        sim=directory("results/network/{model}/{run}/sim"),
    log:
        "logs/network/{model}/{run}/simulate.log",
    benchmark:
        "benchmarks/network/{model}/{run}/simulate.tsv"
    conda:
        "../../envs/condrate.yaml"
    threads: THREADS
    resources:
        mpi=MPI,
        tasks=TASKS,
        vp=VP,
    params:
        python=PYTHON,
    shell:
        SIMULATE


rule gather_network_spikes:
    input:
        sim=rules.simulate_network.output.sim,
    output:
        spikes="results/network/{model}/{run}/spikes.parquet",
    log:
        "logs/network/{model}/{run}/gather.log",
    benchmark:
        "benchmarks/network/{model}/{run}/gather.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/gather_spikes.py"


rule network_stats:
    input:
        spec=rules.network_spec.output.spec,
        spikes=rules.gather_network_spikes.output.spikes,
        sim=rules.simulate_network.output.sim,
    output:
        stats="results/network/{model}/{run}/stats.json",
    log:
        "logs/network/{model}/{run}/stats.log",
    benchmark:
        "benchmarks/network/{model}/{run}/stats.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/network_stats.py"


rule plot_network_activity:
    input:
        spikes=rules.gather_network_spikes.output.spikes,
        stats=rules.network_stats.output.stats,
    output:
        pdf="results/figures/network_{model}_{run}.pdf",
        png="results/figures/network_{model}_{run}.png",
    log:
        "logs/figures/network_{model}_{run}.log",
    benchmark:
        "benchmarks/figures/network_{model}_{run}.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/plot_network_activity.py"


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
        png=expand("results/figures/{fig}_{{model}}.png", fig=SWEEP_FIGURES),
    log:
        "logs/network/{model}/balanced_state.log",
    benchmark:
        "benchmarks/network/{model}/balanced_state.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/balanced_state.py"
