"""Hypothesis profiles for the property tests of tests/robustness.

`make test` runs each property test with a bounded number of examples
(a few seconds each); the long run takes many more:

    make test-long
    .venv/bin/python -m pytest tests/robustness --hypothesis-profile=long

tests/conftest.py loads this module as a plugin, because hypothesis reads
`--hypothesis-profile` while pytest configures itself, before any test
module is imported: a profile registered by a test module would be unknown.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

LONG = "long"
LONG_EXAMPLES = 3000
# Tests write real files (tmp_path_factory) and run the real lint engine;
# some draws are slow by nature, which is what these tests are about.
_SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(LONG, max_examples=LONG_EXAMPLES, deadline=None, suppress_health_check=_SUPPRESSED)


def bounded(examples: int) -> settings:
    """Settings for one property test: `examples` by default, the long profile's count in a long run.

    Test modules are imported after pytest has loaded the profile, so the
    profile in force is known here.
    """
    count = LONG_EXAMPLES if settings.get_current_profile_name() == LONG else examples
    return settings(max_examples=count, deadline=None, suppress_health_check=_SUPPRESSED)
