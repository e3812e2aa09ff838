import sys

from condrate.io import write_json
from condrate.openloop import openloop_spec

sys.stderr = open(snakemake.log[0], "w")
write_json(
    snakemake.output.spec,
    openloop_spec(dict(snakemake.params.config), snakemake.wildcards.model, snakemake.params.root),
)
