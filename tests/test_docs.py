"""The README and docs as a reader meets them: a short front door, links and anchors that
resolve, images that are in the repository, tables that are copies of generated ones."""

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from helpers import ROOT

README = (ROOT / "README.md").read_text()
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "results" / "README.md",
         ROOT / "config" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"<!-- table:([\w.-]+)/([\w.-]+) -->\n(.*?)<!-- /table -->", re.S)


def tracked() -> set:
    return set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.split())


def prose(text: str) -> str:
    """The text without fenced code blocks and inline code (links there are not links)."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters, digits,
    spaces, hyphens and underscores kept, in any script), spaces to hyphens."""
    text = re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set:
    seen, out = {}, set()
    for line in prose(path.read_text()).splitlines():
        m = re.match(r"#{1,6} (.+)", line)
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            out.add(s if n == 0 else f"{s}-{n}")
            seen[s] = n + 1
    return out


def test_the_readme_is_a_front_door():
    assert len(README.splitlines()) <= 200
    first_command = README.index("make run")
    assert first_command < README.index("## Quick start")
    for section in ("## The answer", "## Two commands", "## Quick start", "## On a cluster",
                    "## Outputs", "## How to cite"):
        assert section in README


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(page):
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", prose(page.read_text())):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists():
            broken.append(target)
        elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: links that do not resolve: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_image_shown_is_a_tracked_file(page):
    files = tracked()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", prose(page.read_text()))
    missing = [i for i in images if not i.startswith("http")
               and str((page.parent / i).resolve().relative_to(ROOT)) not in files]
    assert not missing, f"{page.relative_to(ROOT)} shows untracked files: {missing}"


def generated_blocks() -> dict:
    """(table file, block) -> the block's text, from the committed docs/tables/*.md."""
    out = {}
    for path in (ROOT / "docs" / "tables").glob("*.md"):
        for m in re.finditer(r"<!-- table:([\w.-]+) -->\n(.*?)<!-- /table -->", path.read_text(),
                             re.S):
            out[(path.stem, m.group(1))] = m.group(2)
    return out


def test_tables_in_readme_and_docs_are_copies_of_the_generated_ones():
    generated = generated_blocks()
    copies = [(page, m) for page in PAGES for m in BLOCK.finditer(page.read_text())]
    assert any(page.name == "README.md" and m.group(2) == "answer" for page, m in copies)
    for page, m in copies:
        key = (m.group(1), m.group(2))
        assert key in generated, f"{page.name} copies {key}, which docs/tables/ lacks"
        assert m.group(3) == generated[key], (
            f"{page.relative_to(ROOT)}: table {key} differs from docs/tables/{key[0]}.md; "
            "run make figures")
        assert m.group(3).count("\n|") >= 2, f"{page.name}: table {key} is empty"


# the pages whose readings of the results quote numbers: every percentage in their prose
# is one of the generated tables they show (docs/network.md's mean-driven presets are
# measurements of 0.1.0, labelled so there, and docs/theory.md quotes tolerances)
READINGS = [ROOT / "README.md", *(ROOT / "docs" / f"{name}.md"
                                  for name in ("results", "map", "adaptation", "models"))]
PERCENT = r"(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))? %"


@pytest.mark.parametrize("page", READINGS, ids=lambda p: p.name)
def test_every_percentage_in_a_reading_is_in_the_tables_it_shows(page):
    """A number in the prose that is not in a generated table on the page is a
    hand-pasted number that can drift from the run (both ends of a range are checked)."""
    text = page.read_text()
    tables = " ".join(m.group(3) for m in BLOCK.finditer(text))
    shown = {x for m in re.finditer(PERCENT, tables) for x in m.groups() if x}
    words = "\n".join(line for line in prose(BLOCK.sub("", text)).splitlines()
                      if not line.startswith("|"))
    stray = [(x, words[max(0, m.start() - 50):m.end()]) for m in re.finditer(PERCENT, words)
             for x in m.groups() if x and x not in shown]
    assert not stray, f"{page.name}: percentages in its prose that no table on it shows: {stray}"


def test_generated_answer_states_what_each_prediction_uses():
    """The README's words on each prediction are the registry's: (i) W, W_ext, theta,
    beta, v_theta; (ii) the LIF rate with Campbell moments, none of the derived
    quantities; (iii) calibrated on a grid the config fixes; (iv) replayed trains."""
    block = generated_blocks()[("default", "predictors")]
    rows = {line.split("|")[1].split()[0]: line for line in block.splitlines()
            if line.startswith("| (")}
    assert set(rows) == {"(i)", "(ii)", "(iii)", "(iv)"}
    assert "W, W_ext and θ" in rows["(i)"] and "β and v_θ" in rows["(i)"]
    assert "Campbell" in rows["(ii)"] and "none of W, W_ext, θ, β, v_θ" in rows["(ii)"]
    assert "config fixes" in rows["(iii)"] and "disjoint from every judged" in rows["(iii)"]
    assert "own output spike trains" in rows["(iv)"]
    assert "diagnostic" not in block.lower()  # none takes anything from the judged run


def test_citation_file_is_valid_cff_and_cites_the_derivation():
    import json

    import jsonschema
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    schema = json.loads((ROOT / "tests" / "data" / "citation-cff-1.2.0.schema.json").read_text())
    jsonschema.validate(cff, schema)
    dois = {r.get("doi") for r in cff["references"]}
    assert "10.1162/08997660360675053" in dois  # Shriki, Hansel & Sompolinsky 2003
    assert "10.1162/neco.1994.6.4.679" in dois  # Ermentrout 1994
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == cff["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    from condrate import __version__

    assert cff["version"] == __version__
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text()


def test_the_derivation_is_cited_as_published():
    assert "Shriki, Hansel & Sompolinsky" in README and "10.1162/08997660360675053" in README
    assert "Ermentrout" in README
    assert "../shared" not in README  # nothing points outside the repository


def test_make_help_lists_every_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M)) - {"setup"}
    out = subprocess.run(["make", "-s", "-C", str(ROOT), "help"], capture_output=True,
                         text=True, check=True).stdout
    listed = set(re.findall(r"^  ([a-z%-]+) ", out, re.M))
    assert targets - {"preset"} <= listed | {"setup"}, targets - listed
    for preset in re.search(r"^PRESETS := (.*)$", makefile, re.M).group(1).split():
        assert f"preset-{preset}" in out


def answer_medians(name: str) -> dict:
    """{(experiment, model): {numeral: median in %, or None}} of a generated answer."""
    out = {}
    for line in generated_blocks()[(name, "answer")].splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        medians = [int(m.group(1)) if (m := re.match(r"(\d+) %", c)) else None
                   for c in cells[2:]]
        out[(cells[0].split(" (")[0], cells[1])] = dict(zip(("i", "ii", "iii", "iv"), medians))
    return out


def test_the_readme_verdict_on_the_a_current_neuron_follows_the_tables():
    """The README's sentence on (i) for hh_a_current, against the generated answers:
    open loop nearly all silent (median at least 90 %), closed loop between
    hh_cond_exp_traub's and glif_cond's, its variant without the A-current no worse."""
    assert "(i) is no better for it where it matters" in README
    nestml, default = answer_medians("nestml"), answer_medians("default")
    open_loop, closed = "open loop", "E/I network"
    assert nestml[(open_loop, "hh_a_current")]["i"] >= 90
    a = nestml[(closed, "hh_a_current")]["i"]
    assert default[(closed, "hh_cond_exp_traub")]["i"] <= a <= default[(closed, "glif_cond")]["i"]
    assert nestml[(closed, "hh_a_current_gA0")]["i"] <= a
    onset = generated_blocks()[("nestml", "a_current_onset")]
    r2 = [float(line.split("|")[6]) for line in onset.splitlines()
          if line.startswith("| hh_a_current | deterministic |") and "joint fit" not in line]
    assert len(r2) == 4 and min(r2) >= 0.99


def test_every_preset_target_runs_the_workflow_on_its_config():
    """`make preset-NAME` runs Snakemake on config/NAME.yaml in results/presets/NAME/ (a
    plain pattern rule would do nothing: make searches no implicit rule for a phony
    target)."""
    makefile = (ROOT / "Makefile").read_text()
    for preset in re.search(r"^PRESETS := (.*)$", makefile, re.M).group(1).split():
        out = subprocess.run(["make", "-n", "-C", str(ROOT), f"preset-{preset}"],
                             capture_output=True, text=True, check=True).stdout
        assert f"--directory results/presets/{preset} --workflow-profile" in out, preset
        assert f"config/{preset}.yaml" in out, preset


def map_counts(name: str) -> dict:
    """{(model, numeral): (within 10 % at AI points, AI points, converged AI points or
    None)} of a generated map block (summary.md's)."""
    out = {}
    for line in generated_blocks()[(name, "map")].splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        k, n = map(int, re.match(r"(\d+) of (\d+)", cells[3]).groups())
        conv = re.search(r"converged: \d+ of (\d+)", cells[3])
        out[(cells[0], cells[1].split()[0])] = (k, n, int(conv.group(1)) if conv else None)
    return out


def test_the_readme_verdict_on_where_the_equations_hold_follows_the_map_tables():
    """The README's reading of the two map families, against their generated tables."""
    text = " ".join(README.split())
    classical, default = map_counts("classical_ai"), map_counts("default")
    models = ("iaf_cond_exp", "glif_cond", "hh_cond_exp_traub")
    iv = ", ".join(f"{classical[(m, '(iv)')][0]} of {classical[(m, '(iv)')][1]}"
                   for m in models[:2]) + " and {} of {}".format(*classical[(models[2], "(iv)")][:2])
    assert f"(iv) is within 10 % at {iv} AI points" in text
    for m in models[:2]:  # (ii): about half classically, almost nowhere by default
        k, n, _ = classical[(m, "(ii)")]
        assert 0.35 <= k / n <= 0.65, (m, k, n)
        assert default[(m, "(ii)")][0] <= 2
        k, n, conv = default[(m, "(iv)")]  # (iv) by default: half, mostly unconverged
        assert 0.4 <= k / n <= 0.6 and conv < n / 2, (m, k, n, conv)
    for table in (classical, default):  # (i) at few points of either family
        assert all(table[(m, "(i)")][0] <= 0.25 * table[(m, "(i)")][1] for m in models)
    # (iii) only for iaf_cond_exp in the classical family
    assert classical[("iaf_cond_exp", "(iii)")][0] > 0
    assert all(t[(m, "(iii)")][0] == 0 for t in (classical, default) for m in models
               if (t, m) != (classical, "iaf_cond_exp"))
