"""Settings for work that parses a whole knowledge base in one go (lint, the site's render process).

Parsing thousands of postmortems allocates millions of short-lived objects
(markdown-it tokens, YAML nodes). Python's cyclic garbage collector starts
a collection every 700 new container objects, and every so often walks all
of them; over a 5,000-file lint that was a tenth of the run. The few
reference cycles these runs make (jsonschema errors, a parser's state) are
still collected, only less often: the run holds a few megabytes more.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

# Objects between young collections, and collections between older ones.
BULK_THRESHOLDS = (20_000, 20, 20)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often for the duration; the previous settings come back after."""
    previous = gc.get_threshold()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
