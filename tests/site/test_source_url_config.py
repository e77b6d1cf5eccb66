"""The `source_url_template` setting behind the "Edit source" link."""

import pytest
from postmortem_kb.config import DEFAULTS, ConfigError, validate_settings


def test_default_adds_no_external_link():
    assert DEFAULTS["source_url_template"] is None
    assert validate_settings({})["source_url_template"] is None


def test_accepts_an_http_url_with_a_path_slot():
    value = "https://git.example.com/team/kb/-/blob/main/{path}"
    assert validate_settings({"source_url_template": value})["source_url_template"] == value


@pytest.mark.parametrize("value, message", [
    ("https://git.example.com/blob/main/", "containing {path}"),
    ("javascript:alert(1)//{path}", "https:// or http://"),
    ("https://git.example.com/{path}/{branch}", "only {path}"),
    (42, "containing {path}"),
])
def test_refuses_templates_that_would_not_make_a_safe_link(value, message):
    with pytest.raises(ConfigError) as caught:
        validate_settings({"source_url_template": value})
    assert "source_url_template" in str(caught.value) and message in str(caught.value)
