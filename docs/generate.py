"""Write docs/tables/ from a run and copy its tables and figures into README.md and docs/.

    python docs/generate.py [DIR]          (make figures; DIR holds the default run)

docs/tables/default.md is the run's results/summary.md (the answer, written by the
workflow's `summary` rule); docs/tables/default_details.md holds the detail tables of
docs/summary_tables.py, each as a block ``<!-- table:NAME -->``. Every page that shows
one has the same block as ``<!-- table:FILE/NAME -->``, and this script rewrites its
content; tests/test_docs.py fails when a page's copy differs from docs/tables/. The
figures the pages show (docs/figures/*.png) are copied from the run's results/figures/
and results/paper/ (docs/figures/paper_X.png is results/paper/X.png).
"""

import contextlib
import io
import re
import shutil
import sys
from pathlib import Path

import summary_tables

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
TABLES = DOCS / "tables"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
COPY = re.compile(r"(<!-- table:([\w.-]+)/([\w.-]+) -->\n)(.*?)(<!-- /table -->)", re.S)
BLOCK = re.compile(r"<!-- table:([\w.-]+) -->\n(.*?)<!-- /table -->", re.S)


def block(name: str, text: str) -> str:
    """``text`` as the generated block NAME (what the pages copy as FILE/NAME)."""
    return f"<!-- table:{name} -->\n{text.strip()}\n<!-- /table -->\n"


def printed(table, results: Path) -> str:
    """What a table function of docs/summary_tables.py prints for a run's results."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        table(str(results))
    return out.getvalue()


def detail_tables(results: Path) -> str:
    """Every table of docs/summary_tables.py as a named block."""
    parts = ["# Detail tables of the default run (generated: python docs/generate.py)\n"]
    for table in summary_tables.TABLES:
        text = printed(table, results)
        if text.strip():
            parts.append(block(table.__name__, text))
    return "\n".join(parts)


def sync(pages=PAGES) -> list:
    """Rewrite every copied block in the pages from docs/tables/; the pages changed."""
    generated = {(p.stem, m.group(1)): m.group(2) for p in TABLES.glob("*.md")
                 for m in BLOCK.finditer(p.read_text())}
    changed = []
    for page in pages:
        text = page.read_text()

        def fill(m):
            key = (m.group(2), m.group(3))
            if key not in generated:
                raise SystemExit(f"{page.name}: no table {key} in docs/tables/")
            return m.group(1) + generated[key] + m.group(5)

        new = COPY.sub(fill, text)
        if new != text:
            page.write_text(new)
            changed.append(page)
    return changed


# figures of a preset's run (names starting so), copied by its own script
# (docs/<preset>_tables.py), not from the default run
PRESET_FIGURES = ("paper_adaptation.png", "classical_ai_", "rs_fs_")


def copy_figures(work: Path, only=None) -> None:
    """The figures the pages show, from the run in ``work``: ``only`` those names, or
    every one but PRESET_FIGURES."""
    for page in PAGES:
        for rel in re.findall(r"\]\((?:docs/)?(figures/[\w.-]+\.png)\)", page.read_text()):
            name = Path(rel).name
            if (name not in only) if only is not None else name.startswith(PRESET_FIGURES):
                continue
            src = (work / "results" / "paper" / name[len("paper_"):] if name.startswith("paper_")
                   else work / "results" / "figures" / name)
            if not src.exists():
                print(f"figures: {src} is missing; run the workflow (and make paper) first",
                      file=sys.stderr)
                continue
            shutil.copyfile(src, DOCS / rel)


def main(work=".") -> None:
    work = Path(work)
    results = work / "results"
    summary = results / "summary.md"
    if not summary.exists():
        raise SystemExit(f"{summary} is missing: run make run (DIR={work}) first")
    TABLES.mkdir(exist_ok=True)
    shutil.copyfile(summary, TABLES / "default.md")
    (TABLES / "default_details.md").write_text(detail_tables(results))
    for page in sync():
        print(f"tables: {page.relative_to(ROOT)}")
    copy_figures(work)


if __name__ == "__main__":
    main(*sys.argv[1:2])
