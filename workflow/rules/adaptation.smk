# Adapting neurons (condrate.adaptation): the f-I of each adaptation strength and of the
# reference neuron without the slow mechanisms (spec, simulate and gather:
# simulation.smk), and the steady state the averaged adaptation variable predicts.


rule adaptation_curves:
    input:
        spec="results/adaptation/{model}/fi/{part}/spec.json",
        spikes="results/adaptation/{model}/fi/{part}/spikes.parquet",
    output:
        curves="results/adaptation/{model}/fi/{part}/fi_curves.csv",
    log:
        "logs/adaptation/{model}/fi/{part}/curves.log",
    benchmark:
        "benchmarks/adaptation/{model}/fi/{part}/curves.tsv"
    params:
        entry="condrate.adaptation.stage.write_curves",
    script:
        "../scripts/run_stage.py"


rule adaptation_predict:
    input:
        specs=adaptation_parts("spec.json"),
        curves=adaptation_parts("fi_curves.csv"),
        reference_spec="results/adaptation/{model}/fi/reference/spec.json",
        reference_curves="results/adaptation/{model}/fi/reference/fi_curves.csv",
    output:
        prediction="results/adaptation/{model}/prediction.csv",
        summary="results/adaptation/{model}/summary.json",
    log:
        "logs/adaptation/{model}/predict.log",
    benchmark:
        "benchmarks/adaptation/{model}/predict.tsv"
    params:
        entry="condrate.adaptation.stage.write_prediction",
    script:
        "../scripts/run_stage.py"


rule adaptation_step:
    input:
        spec="results/adaptation/{model}/step/spec.json",
        spikes="results/adaptation/{model}/step/spikes.parquet",
        reference_spec="results/adaptation/{model}/fi/reference/spec.json",
        reference_curves="results/adaptation/{model}/fi/reference/fi_curves.csv",
    output:
        step="results/adaptation/{model}/step.json",
    log:
        "logs/adaptation/{model}/step.log",
    benchmark:
        "benchmarks/adaptation/{model}/step.tsv"
    params:
        entry="condrate.adaptation.stage.write_step",
    script:
        "../scripts/run_stage.py"


rule plot_adaptation:
    input:
        prediction=rules.adaptation_predict.output.prediction,
        summary=rules.adaptation_predict.output.summary,
        step=rules.adaptation_step.output.step,
    output:
        pdf="results/figures/adaptation_{model}.pdf",
        png=report(
            "results/figures/adaptation_{model}.png",
            caption="../report/adaptation.rst",
            category="adaptation",
            subcategory="{model}",
        ),
    log:
        "logs/figures/adaptation_{model}.log",
    benchmark:
        "benchmarks/figures/adaptation_{model}.tsv"
    params:
        entry="condrate.adaptation.stage.plot_adaptation",
    script:
        "../scripts/run_stage.py"
