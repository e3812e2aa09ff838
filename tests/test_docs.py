"""What the README shows is in the repository, and what it cites can be found."""

import re
import subprocess

from helpers import ROOT

README = (ROOT / "README.md").read_text()


def tracked() -> set:
    return set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.split())


def test_every_figure_the_readme_shows_is_a_tracked_file():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images
    missing = [i for i in images if not i.startswith("http") and i not in tracked()]
    assert not missing, f"README shows files that are not in the repository: {missing}"


def test_every_figure_the_docs_show_is_a_tracked_file():
    files = tracked()
    for doc in (ROOT / "docs").glob("*.md"):
        images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", doc.read_text())
        missing = [i for i in images if f"docs/{i}" not in files]
        assert not missing, f"{doc.name} shows files that are not in the repository: {missing}"


def test_the_derivation_is_cited_as_published():
    assert "Shriki, Hansel & Sompolinsky" in README and "10.1162/08997660360675053" in README
    assert "Ermentrout" in README
    assert "../shared" not in README  # nothing points outside the repository
