import sys

from condrate.netstages import plot_sweeps, write_ext_sweep, write_k_scaling, write_step_response

sys.stderr = open(snakemake.log[0], "w")
i, o = snakemake.input, snakemake.output
write_ext_sweep(i.ext, i.base_spec[0], o.ext_csv, o.ext_json)
write_step_response(i.step_spec[0], i.step_spikes[0], i.step_stats[0], o.step_csv, o.step_json)
write_k_scaling(i.k, o.k_csv)
plot_sweeps(o.ext_csv, o.ext_json, o.step_csv, o.step_json, o.k_csv, snakemake.wildcards.model,
            o.pdf, o.png)
