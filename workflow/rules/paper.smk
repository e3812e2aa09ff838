# Composed, print-sized figures for a paper, one per claim (`make paper`, after
# `make run`), and the key tables; their inputs: targets.smk (PAPER_FIGURES).


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
