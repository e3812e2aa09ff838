"""Gather NEST's per-VP ascii spike files into one sorted, checked Parquet table.

Spikes are counted at every hand-off: the count each rank's recorder reported
(manifest), the rows of each rank's files, and the rows written. Any mismatch,
missing or extra VP file, bad header or truncated line raises
:class:`~condrate.errors.SpikeDataError` naming the file; the output only appears,
by atomic rename, when everything agrees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import SpikeDataError
from ..io import atomic_path, read_json

SCHEMA = pa.schema([("sender", pa.int32()), ("time_ms", pa.float64())])
HEADER_LINES = 3  # two '#' lines (NEST and backend versions), then the column line
_VP_FILE = re.compile(r"^(?P<label>.+)-(?P<node>\d+)-(?P<vp>\d+)\.dat$")


def vp_files(sim_dir: Path, manifest: dict, label: str | None = None) -> dict[int, Path]:
    """The per-VP files of one recorder (default: spikes), keyed by VP; one per VP.

    Every ``.dat`` file must belong to a recorder of the manifest.
    """
    label = label or manifest["spike_label"]
    recorders = manifest["recorders"]
    node = recorders[label]
    n_vp = manifest["virtual_processes"]
    found: dict[int, Path] = {}
    for path in sorted(Path(sim_dir).glob("*.dat")):
        m = _VP_FILE.match(path.name)
        if not m or recorders.get(m["label"]) != int(m["node"]):
            raise SpikeDataError(
                f"{path}: unexpected file; recorders are "
                + ", ".join(f"{k}-{v}-<vp>.dat" for k, v in recorders.items())
            )
        if m["label"] != label:
            continue
        vp = int(m["vp"])
        if vp >= n_vp or vp in found:
            raise SpikeDataError(f"{path}: VP {vp} is not one of 0..{n_vp - 1} or is duplicated")
        found[vp] = path
    missing = sorted(set(range(n_vp)) - set(found))
    if missing:
        raise SpikeDataError(
            f"{sim_dir}: spike files of VP(s) {missing} are missing "
            f"(expected {label}-{node}-<vp>.dat for VP 0..{n_vp - 1})"
        )
    return found


def read_vp_file(path: Path, schema: pa.Schema | None = SCHEMA) -> pa.Table:
    """Read one NEST ascii file, checking its header and its last line.

    schema: expected columns and types; None takes the column names from the file
    (multimeter files: sender int32, the rest float64).
    """
    with open(path, "rb") as fh:
        head = [fh.readline() for _ in range(HEADER_LINES)]
        fh.seek(0, 2)
        size = fh.tell()
        if size:
            fh.seek(size - 1)
            last = fh.read(1)
    if not (head[0].startswith(b"#") and head[1].startswith(b"#")):
        raise SpikeDataError(f"{path}: missing NEST header lines")
    names = [c.decode() for c in head[2].split()]
    if schema is None and names[:1] == ["sender"]:
        schema = pa.schema([("sender", pa.int32())] + [(c, pa.float64()) for c in names[1:]])
    if schema is None or names != schema.names:
        raise SpikeDataError(f"{path}: column line is {head[2]!r}, expected {schema and schema.names}")
    if last != b"\n":
        raise SpikeDataError(f"{path}: truncated (last line has no newline)")
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=HEADER_LINES, column_names=schema.names),
            parse_options=pacsv.ParseOptions(delimiter="\t"),
            convert_options=pacsv.ConvertOptions(column_types=schema),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as err:
        raise SpikeDataError(f"{path}: malformed data: {err}") from None


def read_state(sim_dir, label: str = "state") -> dict:
    """Multimeter recordings of all VPs as numpy columns (sender, time_ms, ...)."""
    sim_dir = Path(sim_dir)
    manifest = read_json(sim_dir / "manifest.json")
    files = vp_files(sim_dir, manifest, label)
    table = pa.concat_tables([read_vp_file(files[vp], None) for vp in sorted(files)])
    return {c: table[c].to_numpy() for c in table.column_names}


def sort_spikes(table: pa.Table) -> pa.Table:
    """Sort by time, then sender: a canonical order independent of the VP split."""
    order = pc.sort_indices(table, sort_keys=[("time_ms", "ascending"), ("sender", "ascending")])
    return table.take(order)


def gather(sim_dir, out_path, metadata: dict | None = None) -> dict:
    """Merge the per-VP files of one simulation into ``out_path`` (Parquet).

    Checks: every VP file present and well-formed; per rank, the rows read equal the
    spikes NEST's recorder counted on that rank (VP v lives on rank v mod ranks).
    ``metadata`` (JSON-able) is stored in the file's schema under b"condrate".
    Returns {"spikes": n, "files": n_files}.
    """
    sim_dir = Path(sim_dir)
    manifest = read_json(sim_dir / "manifest.json")
    files = vp_files(sim_dir, manifest)
    tables = {vp: read_vp_file(path) for vp, path in files.items()}
    ranks = manifest["ranks"]
    for rank, expected in enumerate(manifest["spikes_per_rank"]):
        got = sum(t.num_rows for vp, t in tables.items() if vp % ranks == rank)
        if got != expected:
            names = [files[vp].name for vp in files if vp % ranks == rank]
            raise SpikeDataError(
                f"{sim_dir}: rank {rank} recorded {expected} spikes but its files {names} "
                f"hold {got}"
            )
    table = sort_spikes(pa.concat_tables([tables[vp] for vp in sorted(tables)]))
    if table.num_rows != manifest["spikes_total"]:
        raise SpikeDataError(
            f"{sim_dir}: gathered {table.num_rows} spikes, manifest says {manifest['spikes_total']}"
        )
    meta = {"provenance": manifest["provenance"], "n_neurons": manifest["n_neurons"],
            "first_node_id": manifest["first_node_id"], "spikes_total": table.num_rows}
    meta.update(metadata or {})
    table = table.replace_schema_metadata({b"condrate": json.dumps(meta, sort_keys=True)})
    with atomic_path(out_path, ".parquet") as tmp:
        pq.write_table(table, tmp, compression="zstd")
        if pq.read_metadata(tmp).num_rows != manifest["spikes_total"]:
            raise SpikeDataError(f"{out_path}: written row count differs from the manifest")
    return {"spikes": table.num_rows, "files": len(files)}


def read_spikes(path) -> tuple[np.ndarray, np.ndarray, dict]:
    """(senders int32, times ms float64, metadata dict) of a gathered Parquet table."""
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"condrate"])
    return table["sender"].to_numpy(), table["time_ms"].to_numpy(), meta


def read_spike_meta(path) -> dict:
    """The metadata of a gathered Parquet table (provenance, counts) without its rows."""
    return json.loads(pq.read_schema(path).metadata[b"condrate"])
