# The validity map (`make map`): network operating points over inhibition dominance g
# and external rate, each point its own network run (spec / simulate / gather:
# simulation.smk; stats: network.smk), the self-consistent single neurons of every
# point in one job per generation, and the map table and figure per model. Points are
# folders named after their (g, nu_ext), so a stopped map resumes where it stopped.


rule map_table:
    input:
        specs=map_point_files("spec.json"),
        stats=map_point_files("stats.json"),
        fit=FIT,
        calibration="results/theory/{model}/calibration.json",
        iterated_specs=map_generations("spec.json"),
        iterated_spikes=map_generations("spikes.parquet"),
    output:
        csv=report(
            "results/map/{model}/map.csv",
            caption="../report/map_table.rst",
            category="Validity map",
            subcategory="{model}",
        ),
        meta="results/map/{model}/map.json",
        pdf="results/figures/map_{model}.pdf",
        png=report(
            "results/figures/map_{model}.png",
            caption="../report/map.rst",
            category="Validity map",
            subcategory="{model}",
        ),
    log:
        "logs/map/{model}/map.log",
    benchmark:
        "benchmarks/map/{model}/map.tsv"
    params:
        entry="condrate.map.stage.write_map",
    script:
        "../scripts/run_stage.py"


rule map:
    input:
        map_outputs,
