"""Compare every file under results/ of two work folders, byte for byte.

    python tests/tools/compare_outputs.py BEFORE AFTER

The proof a refactor owes: same seed and VP count, same bytes. A run's manifest.json
also records NEST's timers and the peak memory of each rank, measurements of that run
rather than results, so those fields are left out of its comparison (and only those).
Prints the files only in one folder and every file that differs; exits 1 if any differ.
"""

import hashlib
import json
import sys
from pathlib import Path

MEASURED = ("time_construction_create", "time_construction_connect", "time_simulate",
            "peak_rss_kB")


def content(path: Path) -> bytes:
    if path.name != "manifest.json":
        return path.read_bytes()
    manifest = json.loads(path.read_text())
    for rank in manifest.get("kernel_per_rank", []):
        for key in MEASURED:
            rank.pop(key, None)
    return json.dumps(manifest, sort_keys=True).encode()


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
    sys.exit(main(*sys.argv[1:3]))
