import sys

from condrate.feedback import feedback_spec
from condrate.io import read_json, write_json

sys.stderr = open(snakemake.log[0], "w")
fit = read_json(snakemake.input.fit)["deterministic"]
config = dict(snakemake.params.config)
spec = feedback_spec(config, snakemake.wildcards.model, fit, snakemake.params.root)
write_json(snakemake.output.spec, spec)
