# Rate equations derived from the conductance equations, verified against NEST.


rule openloop_spec:
    input:
        model=model_file,
        network=network_file,
    output:
        spec="results/theory/{model}/openloop/spec.json",
    log:
        "logs/theory/{model}/openloop_spec.log",
    benchmark:
        "benchmarks/theory/{model}/openloop_spec.tsv"
    conda:
        "../../envs/condrate.yaml"
    params:
        root=ROOT,
        config=theory_config("openloop"),
    script:
        "../scripts/openloop_spec.py"


rule simulate_openloop:
    input:
        spec=rules.openloop_spec.output.spec,
    output:
        sim=directory("results/theory/{model}/openloop/sim"),
    log:
        "logs/theory/{model}/openloop_simulate.log",
    benchmark:
        "benchmarks/theory/{model}/openloop_simulate.tsv"
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


rule gather_openloop_spikes:
    input:
        sim=rules.simulate_openloop.output.sim,
    output:
        spikes="results/theory/{model}/openloop/spikes.parquet",
    log:
        "logs/theory/{model}/openloop_gather.log",
    benchmark:
        "benchmarks/theory/{model}/openloop_gather.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/gather_spikes.py"


rule verify_theory:
    input:
        fit="results/fi/{model}/threshold_fit.json",
        base_spec=base_spec,
        ol_spec=rules.openloop_spec.output.spec,
        ol_spikes=rules.gather_openloop_spikes.output.spikes,
        ext=ext_stats,
        fb_spec=rules.feedback_spec.output.spec,
        fb_spikes=rules.gather_feedback_spikes.output.spikes,
        step_csv="results/network/{model}/step_response.csv",
        step_json="results/network/{model}/step_response.json",
    output:
        derived="results/theory/{model}/derived_params.json",
        csv="results/theory/{model}/verification.csv",
        summary="results/theory/{model}/summary.json",
        scatter_pdf=report(
            "results/figures/theory_predicted_vs_simulated_{model}.pdf",
            caption="../report/theory_predicted_vs_simulated.rst",
        ),
        scatter_png="results/figures/theory_predicted_vs_simulated_{model}.png",
        curves_pdf="results/figures/theory_rates_vs_input_{model}.pdf",
        curves_png="results/figures/theory_rates_vs_input_{model}.png",
        fb_csv="results/theory/{model}/uniform_feedback.csv",
        fb_json="results/theory/{model}/uniform_feedback.json",
        feedback_pdf=report(
            "results/figures/theory_uniform_feedback_{model}.pdf",
            caption="../report/theory_uniform_feedback.rst",
        ),
        feedback_png="results/figures/theory_uniform_feedback_{model}.png",
        step_csv="results/theory/{model}/step_dynamics.csv",
        step_json="results/theory/{model}/step_dynamics.json",
        step_pdf=report(
            "results/figures/theory_step_dynamics_{model}.pdf",
            caption="../report/theory_step_dynamics.rst",
        ),
        step_png="results/figures/theory_step_dynamics_{model}.png",
    log:
        "logs/theory/{model}/verify.log",
    benchmark:
        "benchmarks/theory/{model}/verify.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/verify_theory.py"
