# f-I curves under added membrane conductance and the threshold-shift fit.


rule fi_spec:
    input:
        model=model_file,
    output:
        spec="results/fi/{model}/spec.json",
    log:
        "logs/fi/{model}/spec.log",
    benchmark:
        "benchmarks/fi/{model}/spec.tsv"
    conda:
        "../../envs/condrate.yaml"
    params:
        root=ROOT,
        config=fi_config,
    script:
        "../scripts/fi_spec.py"


rule simulate_fi:
    input:
        spec=rules.fi_spec.output.spec,
    output:
        sim=directory("results/fi/{model}/sim"),
    log:
        "logs/fi/{model}/simulate.log",
    benchmark:
        "benchmarks/fi/{model}/simulate.tsv"
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


rule gather_fi_spikes:
    input:
        sim=rules.simulate_fi.output.sim,
    output:
        spikes="results/fi/{model}/spikes.parquet",
    log:
        "logs/fi/{model}/gather.log",
    benchmark:
        "benchmarks/fi/{model}/gather.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/gather_spikes.py"


rule fi_curves:
    input:
        spec=rules.fi_spec.output.spec,
        spikes=rules.gather_fi_spikes.output.spikes,
    output:
        curves="results/fi/{model}/fi_curves.csv",
    log:
        "logs/fi/{model}/curves.log",
    benchmark:
        "benchmarks/fi/{model}/curves.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/fi_curves.py"


rule fit_threshold:
    input:
        curves=rules.fi_curves.output.curves,
        spikes=rules.gather_fi_spikes.output.spikes,
        spec=rules.fi_spec.output.spec,
    output:
        fit="results/fi/{model}/threshold_fit.json",
    log:
        "logs/fi/{model}/fit.log",
    benchmark:
        "benchmarks/fi/{model}/fit.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/fit_threshold.py"


rule plot_fi_shift:
    input:
        curves=rules.fi_curves.output.curves,
        fit=rules.fit_threshold.output.fit,
    output:
        pdf=report(
            "results/figures/fi_shift_{model}.pdf", caption="../report/fi_shift.rst"
        ),
        png="results/figures/fi_shift_{model}.png",
    log:
        "logs/figures/fi_shift_{model}.log",
    benchmark:
        "benchmarks/figures/fi_shift_{model}.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/plot_fi_shift.py"
