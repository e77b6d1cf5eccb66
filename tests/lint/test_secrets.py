"""The finders for secret shapes detect-secrets misses: where they look must not lose a match."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postmortem_kb.lint.secrets import _ASSIGNMENT_SIGN_ANY_CASE, _assignment_signs, find_extra_secrets

# Pieces that make keyword assignments, near misses and offset-shifting letters likely.
_PIECES = st.sampled_from([
    "password", "PassWord", "passwd", "passphrase", "pwd", "secret", "client_secret", "api-key", "apikey",
    "SECRET_KEY", "token", "auth_token", "credential", "credentials", "keyboard", "monkey", "pass", "pas",
    ":", "=", " ", "  ", "\n", "\"", "'", "İ", "ß", "x", "hunter2horse", "Zq8#vT2!mW", "é",
])


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_every_keyword_assignment_the_case_blind_search_finds_is_found(text):
    found = set(_assignment_signs(text))
    for match in _ASSIGNMENT_SIGN_ANY_CASE.finditer(text):
        assert match.span() in found


def test_a_value_on_the_next_line_is_read_for_each_of_two_keywords_in_a_row():
    text = "Notes\npassword:\n  Zq8#vT2!mWpL\napi_key =\n  9f8E7d6C5b4A3\nend\n"
    assert [(offset, kind) for offset, kind in find_extra_secrets(text)] == [
        (text.index("Zq8#"), "password value"),
        (text.index("9f8E"), "api_key value"),
    ]


def test_a_keyword_split_from_its_sign_by_a_line_break_is_still_read():
    text = "the monkey business\ntoken\n: Zq8#vT2!mWpL\n"
    assert [kind for _, kind in find_extra_secrets(text)] == ["token value"]


# Every keyword `_ASSIGNMENT` names, as written in configs and env files: each must be found, so the
# stems and endings that pick where to look cannot fall behind the pattern.
@pytest.mark.parametrize("keyword", [
    "password", "passwd", "passphrase", "pwd", "secret", "secret_key", "secretkey", "client-secret",
    "api_key", "apikey", "access_key", "private_key", "auth_token", "access_token", "refresh_token",
    "bearer_token", "token", "credential", "credentials", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY",
])
def test_every_keyword_of_the_assignment_pattern_is_looked_for(keyword):
    for text in (f"{keyword}: Zq8#vT2!mWpL", f'"{keyword}" = "Zq8#vT2!mWpL"', f"{keyword}=\n  Zq8#vT2!mWpL"):
        assert [offset for offset, _ in find_extra_secrets(text)] == [text.index("Zq8#")], text
