"""Result files: JSON and CSV, written atomically (a result appears under its final
name complete, or not at all), and read back."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np


@contextmanager
def atomic_path(path, suffix=""):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success.

    On an exception the temporary file or folder is removed and nothing appears at
    ``path``. Works for files and for folders created at the yielded path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def write_json(path, obj) -> None:
    """Write ``obj`` as sorted, indented JSON, atomically (same input, same bytes)."""
    with atomic_path(path) as tmp:
        with open(tmp, "w") as fh:
            json.dump(obj, fh, indent=2, sort_keys=True, allow_nan=False)
            fh.write("\n")


def write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8), atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def single_file(files):
    """The one file of a rule's named input, which Snakemake gives as a list where an
    input function returned one."""
    if isinstance(files, (list, tuple)):
        (files,) = files
    return files


def read_json(path):
    with open(path) as fh:
        return json.load(fh)


def none_to_nan(values) -> np.ndarray:
    """Float array of ``values`` with None (no prediction) as NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def write_csv(path, columns: dict, order) -> None:
    """Write equal-length columns as CSV, atomically, floats with repr precision;
    None (no prediction) as an empty field."""
    with atomic_path(path, ".csv") as tmp:
        with open(tmp, "w") as fh:
            fh.write(",".join(order) + "\n")
            for row in zip(*(columns[k] for k in order)):
                fh.write(",".join("" if v is None else str(v) for v in row) + "\n")


def read_csv(path) -> dict:
    """Columns of a CSV written by :func:`write_csv`; numeric columns as float arrays
    (empty fields as NaN), the others as string arrays."""
    with open(path) as fh:
        header = fh.readline().strip().split(",")
        rows = [line.rstrip("\n").split(",") for line in fh if line.strip()]
    cols = {}
    for i, name in enumerate(header):
        vals = [r[i] for r in rows]
        try:
            cols[name] = np.array([v if v else "nan" for v in vals], dtype=float)
        except ValueError:
            cols[name] = np.array(vals)
    return cols
