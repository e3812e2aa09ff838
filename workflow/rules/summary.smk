# The study's answer as a file (results/summary.md, .json) and the report's landing page
# (results/summary.rst, Snakemake's global report description): from the theory
# summaries, the uniform-feedback results, the base networks and, where `make map` has
# run, the validity map (summary_inputs, targets.smk).


rule summary:
    input:
        unpack(summary_inputs),
    output:
        summary_md=report(
            "results/summary.md",
            caption="../report/summary.rst",
            category="1. Answer",
        ),
        summary_json="results/summary.json",
        summary_rst="results/summary.rst",
    log:
        "logs/summary.log",
    benchmark:
        "benchmarks/summary.tsv"
    params:
        entry="condrate.summary.write_summary",
        config_files=CONFIG_FILES,
    script:
        "../scripts/run_stage.py"
