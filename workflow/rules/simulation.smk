# The three steps every simulated experiment shares (condrate.experiments lists them):
# its spec, the NEST run over MPI, and the checked gather of the per-VP spike files.
# {path} is the experiment's results folder, e.g. fi/iaf_cond_exp,
# network/iaf_cond_exp/default or theory/iaf_cond_exp/openloop.


rule spec:
    input:
        unpack(spec_inputs),
    output:
        spec="results/{path}/spec.json",
    log:
        "logs/{path}/spec.log",
    benchmark:
        "benchmarks/{path}/spec.tsv"
    params:
        entry="condrate.experiments.write_spec",
        root=ROOT,
        config=spec_config,
    script:
        "../scripts/run_stage.py"


rule simulate:
    input:
        spec=rules.spec.output.spec,
    output:
        sim=directory("results/{path}/sim"),
    log:
        "logs/{path}/simulate.log",
    benchmark:
        "benchmarks/{path}/simulate.tsv"
    threads: THREADS
    resources:
        mpi=MPI,
        tasks=TASKS,
        vp=VP,
    params:
        python=PYTHON,
    shell:
        SIMULATE


rule gather_spikes:
    input:
        sim=rules.simulate.output.sim,
    output:
        spikes="results/{path}/spikes.parquet",
    log:
        "logs/{path}/gather.log",
    benchmark:
        "benchmarks/{path}/gather.tsv"
    params:
        entry="condrate.experiments.gather_spikes",
    script:
        "../scripts/run_stage.py"
