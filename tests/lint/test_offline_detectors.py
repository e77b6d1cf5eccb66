"""detect-secrets imported with `requests` stood in: cheaper, and unable to reach the network."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from postmortem_kb.lint import offline_detectors
from postmortem_kb.lint.offline_detectors import NetworkRefused, import_offline


def run_fresh(code: str) -> str:
    """Run `code` in a new interpreter (sys.modules is what is under test); its stdout."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_detectors_work_and_requests_is_never_imported():
    out = run_fresh("""
        import sys
        from postmortem_kb.lint.rules_publishing import _secret_detectors, find_secrets
        detectors = _secret_detectors()
        found = list(find_secrets("key: AKIAIOSFODNN7EXAMPLF in the config", lambda: detectors))
        print(len(detectors), found, "requests" in sys.modules, "urllib3" in sys.modules)
    """)
    count, rest = out.split(" ", 1)
    assert int(count) >= 15
    assert "AWS Access Key" in rest
    assert rest.rstrip().endswith("False False")


def test_a_detector_asked_to_verify_cannot_reach_the_network():
    out = run_fresh("""
        import socket
        from postmortem_kb.lint.offline_detectors import NetworkRefused
        from postmortem_kb.lint.rules_publishing import _secret_detectors

        def no_socket(*args, **kwargs):
            raise AssertionError("a socket was opened")
        socket.socket = no_socket
        socket.create_connection = no_socket
        slack = next(d for d in _secret_detectors() if type(d).__name__ == "SlackDetector")
        try:
            result = slack.verify("xoxb-1234567890-1234567890123-abcdefghijklmnopqrstuvwx")
        except NetworkRefused:
            result = "refused"
        print(result)
    """)
    # detect-secrets either lets the refusal through or reads it as "could not verify".
    assert out.strip() in {"refused", "VerifiedResult.UNVERIFIED"}


def test_a_later_import_of_requests_gets_the_real_package():
    out = run_fresh("""
        from postmortem_kb.lint.rules_publishing import _secret_detectors
        _secret_detectors()
        import requests
        print(type(requests).__name__, hasattr(requests, "Session"))
    """)
    assert out.split() == ["module", "True"]


def test_a_requests_already_loaded_is_used_as_it_is():
    out = run_fresh("""
        import requests
        from postmortem_kb.lint.rules_publishing import _secret_detectors
        _secret_detectors()
        import detect_secrets.plugins.base as base
        print(base.requests is requests)
    """)
    assert out.strip() == "True"


def test_an_import_the_stand_in_does_not_cover_is_done_again_the_ordinary_way(monkeypatch):
    monkeypatch.delitem(sys.modules, "requests", raising=False)
    seen = []
    forgotten = []
    monkeypatch.setattr(offline_detectors, "_forget_detect_secrets", lambda: forgotten.append(True))

    def load():
        stand_in = sys.modules.get("requests")
        seen.append(type(stand_in).__name__)
        if isinstance(stand_in, offline_detectors._NoNetwork):
            return stand_in.Session  # a part of requests the stand-in does not have
        return "loaded"

    assert import_offline(load) == "loaded"
    assert seen == ["_NoNetwork", "NoneType"]
    assert forgotten == [True]
    assert not isinstance(sys.modules.get("requests"), offline_detectors._NoNetwork)


def test_the_stand_in_refuses_every_call():
    stand_in = offline_detectors._NoNetwork()
    for call in (stand_in.get, stand_in.post, stand_in.request):
        with pytest.raises(NetworkRefused):
            call("https://example.com")
    assert issubclass(stand_in.exceptions.RequestException, Exception)
