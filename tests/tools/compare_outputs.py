"""Compare every file under results/ of two work folders, byte for byte.

    python tests/tools/compare_outputs.py BEFORE AFTER

The proof a refactor owes: same seed and VP count, same bytes. A run's manifest.json
also records NEST's timers and the peak memory of each rank, measurements of that run
rather than results, so those fields are left out of its comparison; and every provenance
block records the git commit and package version that made it, which a refactor changes
by definition, so those three keys are left out of JSON files and of Parquet metadata
(and only those).
Prints the files only in one folder and every file that differs; exits 1 if any differ.

    python tests/tools/compare_outputs.py BEFORE AFTER --ignore model_file ...

also leaves out the named JSON keys wherever they occur (for a change of a record's
format whose values the rest of the comparison still checks: say which, and why).
"""

import hashlib
import json
import sys
from pathlib import Path

MEASURED = ("time_construction_create", "time_construction_connect", "time_simulate",
            "peak_rss_kB")


REVISION = ["condrate_commit", "condrate_dirty", "condrate_version"]


def _without_revision(obj):
    if isinstance(obj, dict):
        return {k: _without_revision(v) for k, v in obj.items() if k not in REVISION}
    if isinstance(obj, list):
        return [_without_revision(v) for v in obj]
    return obj


def content(path: Path) -> bytes:
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
        meta = {k: _without_revision(json.loads(v)) if v[:1] in "{[" else v
                for k, v in meta.items()}
        rows = pa.BufferOutputStream()  # the rows in Arrow's stream format, no metadata
        plain = table.replace_schema_metadata(None)
        with pa.ipc.new_stream(rows, plain.schema) as writer:
            writer.write_table(plain)
        return json.dumps(meta, sort_keys=True).encode() + rows.getvalue().to_pybytes()
    if path.suffix != ".json":
        return path.read_bytes()
    data = _without_revision(json.loads(path.read_text()))
    if path.name == "manifest.json":
        for rank in data.get("kernel_per_rank", []):
            for key in MEASURED:
                rank.pop(key, None)
    return json.dumps(data, sort_keys=True).encode()


def files(root: Path) -> dict:
    return {p.relative_to(root): hashlib.sha256(content(p)).hexdigest()
            for p in sorted((root / "results").rglob("*")) if p.is_file()}


def main(before, after) -> int:
    a, b = files(Path(before)), files(Path(after))
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    differ = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    for name, items in (("only before", only_a), ("only after", only_b), ("differ", differ)):
        for k in items:
            print(f"{name}: {k}")
    print(f"{len(set(a) & set(b)) - len(differ)} identical, {len(differ)} differ, "
          f"{len(only_a)} only before, {len(only_b)} only after")
    return 1 if differ else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--ignore" in args:
        REVISION += args[args.index("--ignore") + 1:]
        args = args[:args.index("--ignore")]
    sys.exit(main(*args))
