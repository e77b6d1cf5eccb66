"""Text written into YAML reads back as exactly that text."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from postmortem_kb.yaml_text import yaml_quoted, yaml_scalar


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_a_quoted_value_reads_back_as_itself(text):
    assert yaml.safe_load(f"title: {yaml_quoted(text)}\n") == {"title": text}


def test_characters_beyond_the_bmp_stay_as_they_are():
    # JSON's ASCII mode would write a surrogate pair, which YAML cannot decode.
    assert yaml_quoted("🔥 outage") == '"🔥 outage"'
    # A line break YAML would fold into a space, and a control YAML refuses, are escaped.
    assert yaml_quoted("a\x85b\x7f\u2028") == '"a\\u0085b\\u007f\\u2028"'


def test_a_plain_value_stays_plain_where_yaml_reads_it_so():
    assert yaml_scalar("kim") == "kim"
    assert yaml_scalar("a: b") == '"a: b"'
    assert yaml_scalar("[x") == '"[x"'
    assert yaml_scalar(" padded ") == '" padded "'
