"""detect-secrets' detectors, made without its network half.

detect-secrets imports `requests` at module level in its plugin base and in
several plugins, for one optional feature: asking a vendor whether a found
secret is live. postmortem-kb never uses it (postmortems are internal; a
secret found in one must not be sent anywhere), yet importing `requests`
and urllib3 was half of what detect-secrets cost a lint run to start (about
0.28 G of its 0.6 G instructions, `valgrind --tool=cachegrind`).

So while detect-secrets is imported, `requests` is a stand-in (`_NoNetwork`)
whose only behaviour is to refuse: a call to `get` or `post` raises. It is
in `sys.modules` for that import only; a later `import requests` anywhere
gets the real package. Where the real one is already loaded, nothing is
stood in. If a detect-secrets release touches `requests` at import in a way
the stand-in does not cover, the import is done again the ordinary way, so
the secret scan never depends on the stand-in being complete.
"""

from __future__ import annotations

import sys
import types
from typing import Any, Callable

# The package names whose modules a failed stand-in import leaves half made.
_DETECT_SECRETS = "detect_secrets"


class NetworkRefused(RuntimeError):
    """detect-secrets tried to reach the network (its secret verification): never allowed here."""


def _refuse(*_args: Any, **_kwargs: Any) -> Any:
    raise NetworkRefused("postmortem-kb never sends a found secret to its vendor for verification")


class _NoNetwork(types.ModuleType):
    """The parts of `requests` detect-secrets names: the exception it catches, the type it annotates
    with, and the calls it would make (which refuse). Anything else is missing, loudly."""

    def __init__(self) -> None:
        super().__init__("requests", "stand-in: postmortem-kb makes no network request")
        self.exceptions = types.SimpleNamespace(RequestException=NetworkRefused)
        self.Response = type("Response", (), {})
        self.get = self.post = self.request = _refuse


def import_offline(load: Callable[[], Any]) -> Any:
    """`load()`, which imports detect-secrets, with `requests` stood in unless it is already loaded."""
    if "requests" in sys.modules:
        return load()
    sys.modules["requests"] = _NoNetwork()
    try:
        return load()
    except Exception:
        _forget_detect_secrets()
    finally:
        sys.modules.pop("requests", None)
    return load()  # the ordinary way, real `requests` and all


def _forget_detect_secrets() -> None:
    for name in [name for name in sys.modules if name == _DETECT_SECRETS or name.startswith(_DETECT_SECRETS + ".")]:
        del sys.modules[name]
