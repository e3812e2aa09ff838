"""The study summary's tables as the Snakemake report renders them (docutils, as
Snakemake does): every prediction's numeral survives the RST conversion."""

from docutils.core import publish_string

from condrate.summary import predictors_table, rst_table
from condrate.theory.predictors import PREDICTORS


def test_rst_tables_keep_the_numerals_a_list_would_swallow():
    html = publish_string(rst_table(predictors_table()), writer="html").decode()
    for q in PREDICTORS:
        assert f"{q.numeral} {q.name}" in html, q.numeral
    assert "<ol" not in html
