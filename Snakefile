# condrate: do rate equations derived from conductance-based neurons predict
# what the spiking network does? See README.md.
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


# the default study, found from the Snakefile so that --directory works too
configfile: Path(workflow.basedir) / "config" / "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/targets.smk"
include: "workflow/rules/nestml.smk"
include: "workflow/rules/simulation.smk"
include: "workflow/rules/fi.smk"
include: "workflow/rules/network.smk"
include: "workflow/rules/theory.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/map.smk"
include: "workflow/rules/adaptation.smk"
include: "workflow/rules/summary.smk"


# the report opens on the run's answer (results/summary.rst, written by rule summary)
report: str(Path.cwd() / "results" / "summary.rst")


# trivial jobs run on the submitting host, not as cluster jobs
localrules:
    all,
    spec,
    plot_fi_shift,
    plot_network_activity,
    paper_figure,
    paper_captions,
    paper,
    export,
    map,
    summary,


wildcard_constraints:
    # longest name first: figure names join model and run with "_", and a model's name
    # may begin with another's (a model and its NESTML twin, say)
    model="|".join(sorted(config["models"], key=len, reverse=True)),
    run="[A-Za-z0-9_.-]+",
    path=EXPERIMENT_PATHS,
    claim="|".join(PAPER_FIGURES),
    tree="network|map",


rule all:
    default_target: True
    input:
        final_outputs(),
