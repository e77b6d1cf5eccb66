"""Without Chromium the browser tests skip and say why, except in CI, where they fail."""

import pytest
from browser_support import leaves_localhost, require_chromium


def test_missing_chromium_skips_with_a_reason_outside_ci(tmp_path):
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_chromium(str(tmp_path / "no-chromium"), {"PATH": str(tmp_path)})


def test_missing_chromium_fails_under_ci(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_chromium(str(tmp_path / "no-chromium"), {"PATH": str(tmp_path), "CI": "true"})


def test_only_the_local_server_counts_as_local():
    assert not leaves_localhost("http://127.0.0.1:8123/search/search_index.json")
    assert not leaves_localhost("data:image/svg+xml;base64,AAAA")
    assert leaves_localhost("https://fonts.googleapis.com/css?family=Roboto")
    assert leaves_localhost("http://localhost.example.com/x")
