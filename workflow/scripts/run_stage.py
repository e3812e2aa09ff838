# Shim of every condrate rule that runs Python: calls params.entry (module.function)
# with the rule's named inputs, outputs and (where the function takes them) wildcards
# as keyword arguments; a pdf + png output pair is passed as figure=(pdf, png).
import inspect
import sys
from importlib import import_module

sys.stderr = open(snakemake.log[0], "w")
module, name = snakemake.params.entry.rsplit(".", 1)
func = getattr(import_module(module), name)


def named(files):
    return {k: v if isinstance(v, str) else list(v) for k, v in files.items()}


kwargs = named(snakemake.input) | named(snakemake.output)
if "pdf" in kwargs:
    kwargs["figure"] = (kwargs.pop("pdf"), kwargs.pop("png"))
wanted = inspect.signature(func).parameters
kwargs |= {k: v for k, v in snakemake.wildcards.items() if k in wanted}
kwargs |= {k: v for k, v in snakemake.params.items() if k in wanted}
result = func(**kwargs)
if result is not None:
    print(result, file=sys.stderr)
