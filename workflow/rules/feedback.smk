# Uniform-feedback check (eqs. 11.34-11.37): excitatory-only networks around the
# transition K beta W_o = 1, open loop and kicked closed loop, in one NEST run per model.


rule feedback_spec:
    input:
        model=model_file,
        fit="results/fi/{model}/threshold_fit.json",
    output:
        spec="results/theory/{model}/feedback/spec.json",
    log:
        "logs/theory/{model}/feedback_spec.log",
    benchmark:
        "benchmarks/theory/{model}/feedback_spec.tsv"
    conda:
        "../../envs/condrate.yaml"
    params:
        root=ROOT,
        config=theory_config("feedback"),
    script:
        "../scripts/feedback_spec.py"


rule simulate_feedback:
    input:
        spec=rules.feedback_spec.output.spec,
    output:
        sim=directory("results/theory/{model}/feedback/sim"),
    log:
        "logs/theory/{model}/feedback_simulate.log",
    benchmark:
        "benchmarks/theory/{model}/feedback_simulate.tsv"
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


rule gather_feedback_spikes:
    input:
        sim=rules.simulate_feedback.output.sim,
    output:
        spikes="results/theory/{model}/feedback/spikes.parquet",
    log:
        "logs/theory/{model}/feedback_gather.log",
    benchmark:
        "benchmarks/theory/{model}/feedback_gather.tsv"
    conda:
        "../../envs/condrate.yaml"
    script:
        "../scripts/gather_spikes.py"
