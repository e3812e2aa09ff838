import sys

from condrate.netstages import write_network_stats

sys.stderr = open(snakemake.log[0], "w")
result = write_network_stats(
    snakemake.input.spec, snakemake.input.spikes, snakemake.input.sim, snakemake.output.stats
)
print(f"asynchronous-irregular: {result['ai_state']}", file=sys.stderr)
