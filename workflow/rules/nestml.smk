# Neurons written in NESTML: the NEST module of each model's source, generated and
# compiled once per hash of the source, NESTML's version and the NEST build
# (condrate.nestrun.nestml), and its parameters checked against the model file, before
# any spec of the model.


rule nestml_module:
    input:
        source=lambda wildcards: NESTML_MODELS[wildcards.model],
        model_files=lambda wildcards: model_file_chain(
            ROOT / config["models_dir"], wildcards.model
        ),
    output:
        module="results/nestml/{model}/module.json",
    log:
        "logs/nestml/{model}.log",
    benchmark:
        "benchmarks/nestml/{model}.tsv"
    params:
        entry="condrate.nestrun.nestml.build_rule",
        models_dir=ROOT / config["models_dir"],
    script:
        "../scripts/run_stage.py"
