"""Entry point of the paper stage: read a run's files per model and save one composed
figure (PDF with embedded TrueType fonts + 300 dpi PNG, the size set in figures.py)."""

from __future__ import annotations

from pathlib import Path

from ..io import atomic_path, read_csv, read_json
from ..plotstyle import save
from ..spiketrains import SpikeTrains
from . import captions, figures

# figure name -> how its per-model inputs are read (input name -> reader)
READERS = {
    "threshold_shift": {"curves": read_csv, "fit": read_json},
    "network": {"spikes": SpikeTrains.read, "stats": read_json},
    "theory": {"rows": read_csv, "summary": read_json, "selfconsistent": read_json,
               "feedback": read_json},
    "dynamics": {"table": read_csv, "summary": read_json},
    "benchmark": {"bench": read_json},
    "adaptation": {"prediction": read_csv, "summary": read_json, "step": read_json},
}
# inputs a figure draws for those of its models that have them (the workflow passes
# each as a list of files in the model's folder, .../<model>/<file>)
OPTIONAL = {
    "adaptation": {"closed_loop": read_csv, "theory_summary": read_json,
                   "network_step": read_csv, "network_step_fit": read_json,
                   "map": read_csv, "map_summary": read_json},
}


def per_model(name: str, models: list, files: dict) -> dict:
    """model -> the inputs of figure ``name`` read in READERS order (a tuple, or a dict
    for the theory and adaptation figures, with the OPTIONAL inputs the model has)."""
    readers = READERS[name]
    out = {}
    for i, m in enumerate(models):
        values = {key: read(files[key][i]) for key, read in readers.items()}
        out[m] = values if name in ("theory", "adaptation") else tuple(values.values())
    for key, read in OPTIONAL.get(name, {}).items():
        for path in files.get(key, []):
            out[Path(path).parent.name][key] = read(path)
    return out


def benchmark_data(path) -> dict:
    """The benchmark Figure 5 draws: the run's own (results/bench/network.json, from
    `make bench`) or, where there is none, the committed reference machine's
    (bench/results/network.json): ``reference`` says which, and the caption says so."""
    data = read_json(path)
    data["reference"] = Path(path).resolve().parent == REFERENCE_BENCH.parent
    return data


REFERENCE_BENCH = Path(__file__).resolve().parents[3] / "bench" / "results" / "network.json"


def draw(name: str, models: list, figure, caption, **files) -> None:
    """Draw the composed figure ``name`` (figures.<name>) from the files of ``models``,
    and its caption with the run's numbers (captions.<name>)."""
    data = (benchmark_data(files["bench"][0]) if name == "benchmark"
            else per_model(name, models, files))
    save(getattr(figures, name)(data), *figure)
    with atomic_path(caption, ".rst") as tmp, open(tmp, "w") as out:
        out.write(getattr(captions, name)(data) + "\n")


def gather_captions(parts: list, names: list, captions_rst) -> None:
    """All captions in one reStructuredText file, one Jinja branch per figure: the
    Snakemake report shows the branch of the figure's {claim} wildcard."""
    with atomic_path(captions_rst, ".rst") as tmp, open(tmp, "w") as out:
        for i, (name, part) in enumerate(zip(names, parts)):
            keyword = "if" if i == 0 else "elif"
            out.write(f"{{% {keyword} snakemake.wildcards.claim == \"{name}\" %}}\n")
            out.write(open(part).read())
        out.write("{% endif %}\n")
