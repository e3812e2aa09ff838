import sys

from condrate.stages import write_fi_spec

sys.stderr = open(snakemake.log[0], "w")
write_fi_spec(
    dict(snakemake.params.config),
    snakemake.wildcards.model,
    snakemake.params.root,
    snakemake.output.spec,
)
