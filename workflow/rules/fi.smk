# f-I curves under added membrane conductance and the threshold-shift fit
# (spec, simulate and gather: simulation.smk).


rule fi_curves:
    input:
        spec="results/fi/{model}/spec.json",
        spikes="results/fi/{model}/spikes.parquet",
    output:
        curves="results/fi/{model}/fi_curves.csv",
    log:
        "logs/fi/{model}/curves.log",
    benchmark:
        "benchmarks/fi/{model}/curves.tsv"
    params:
        entry="condrate.fi.stage.write_fi_curves",
    script:
        "../scripts/run_stage.py"


rule fit_threshold:
    input:
        curves=rules.fi_curves.output.curves,
        spikes="results/fi/{model}/spikes.parquet",
        spec="results/fi/{model}/spec.json",
    output:
        fit="results/fi/{model}/threshold_fit.json",
    log:
        "logs/fi/{model}/fit.log",
    benchmark:
        "benchmarks/fi/{model}/fit.tsv"
    params:
        entry="condrate.fi.stage.write_threshold_fit",
    script:
        "../scripts/run_stage.py"


rule plot_fi_shift:
    input:
        curves=rules.fi_curves.output.curves,
        fit=rules.fit_threshold.output.fit,
    output:
        pdf="results/figures/fi_shift_{model}.pdf",
        png=report(
            "results/figures/fi_shift_{model}.png",
            caption="../report/fi_shift.rst",
            category="f-I curves",
            subcategory="{model}",
        ),
    log:
        "logs/figures/fi_shift_{model}.log",
    benchmark:
        "benchmarks/figures/fi_shift_{model}.tsv"
    params:
        entry="condrate.fi.stage.plot_fi_shift",
    script:
        "../scripts/run_stage.py"
