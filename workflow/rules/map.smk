# The validity map (`make map`): network operating points over inhibition dominance g
# and external rate, each point its own network run (spec / simulate / gather:
# simulation.smk; stats: network.smk), the self-consistent single neurons of every
# point in one job per generation, and the map table and figure per model. Points are
# folders named after their (g, nu_ext), so a stopped map resumes where it stopped. A
# two-model network (E and I of different models) is mapped with the two-population
# form of each prediction and the pair loop (iv), both models' adaptation scaled.


rule map_table:
    input:
        specs=map_point_files("spec.json"),
        stats=map_point_files("stats.json"),
        fit=FIT,
        calibration="results/theory/{model}/calibration.json",
        # a two-model network: its I model's fit and (iii)'s calibration of it
        fit_I=map_inhibitory("results/fi/{inhibitory}/threshold_fit.json"),
        calibration_I=map_inhibitory(
            "results/theory/{model}/calibration_inhibitory.json"
        ),
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
