import sys

from condrate.netstages import write_network_spec

sys.stderr = open(snakemake.log[0], "w")
write_network_spec(
    dict(snakemake.params.config),
    snakemake.wildcards.model,
    snakemake.wildcards.run,
    snakemake.params.root,
    snakemake.output.spec,
)
