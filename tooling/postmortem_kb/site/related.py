"""Related incidents: what `related:` names, plus the postmortems sharing the most tags and services.

Scoring walks an inverted index (tag or service -> postmortems, newest
first) instead of comparing every pair. A value that hundreds of postmortems
share ("kubernetes") would still make that walk quadratic, so for each value
only the NEIGHBOURS postmortems closest in time are considered: among
incidents that share a very common tag, the ones near in time are the
relevant ones. The work per postmortem is bounded by its number of tags and
services times NEIGHBOURS.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass

from postmortem_kb.model import Postmortem
from postmortem_kb.site.escape import url_slug

TOP_RELATED = 5
NEIGHBOURS = 40


@dataclass
class Related:
    """One entry of a postmortem's "Related incidents"."""

    postmortem_id: str
    postmortem: Postmortem | None  # None: `related:` names an id the knowledge base does not have
    shared: list[str]  # the tags and services both carry, for the reader to see why
    named: bool  # listed in `related:` by the author


def _keys(pm: Postmortem) -> list[tuple[str, str, str]]:
    """(kind, slug, label) for each distinct tag and service."""
    keys: dict[tuple[str, str], str] = {}
    for kind, values in (("tag", pm.tags), ("service", pm.services)):
        for name in values:
            keys.setdefault((kind, url_slug(name)), name)
    return [(kind, slug, label) for (kind, slug), label in keys.items()]


def related_incidents(postmortems: list[Postmortem], top: int = TOP_RELATED,
                      neighbours: int = NEIGHBOURS) -> dict[str, list[Related]]:
    """Postmortem id -> its related incidents. `postmortems` must be newest first."""
    position = {pm.id: n for n, pm in enumerate(postmortems)}
    keys_of = [_keys(pm) for pm in postmortems]
    # Posting lists hold positions in the newest-first order, so a window
    # of a list is a run of incidents close in time.
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    place: list[dict[tuple[str, str], int]] = [{} for _ in postmortems]
    for n, keys in enumerate(keys_of):
        for kind, slug, _ in keys:
            members = index[(kind, slug)]
            place[n][(kind, slug)] = len(members)
            members.append(n)

    result: dict[str, list[Related]] = {}
    half = max(1, neighbours // 2)
    for n, pm in enumerate(postmortems):
        own = {(kind, slug): label for kind, slug, label in keys_of[n]}

        def shared_with(other: int) -> list[str]:
            return [own[(kind, slug)] for kind, slug, _ in keys_of[other] if (kind, slug) in own]

        entries: list[Related] = []
        named: set[str] = set()
        for other_id in pm.list_field("related"):
            if other_id != pm.id and other_id not in named:
                named.add(other_id)
                other = position.get(other_id)
                if other is None:
                    entries.append(Related(other_id, None, [], True))
                else:
                    entries.append(Related(other_id, postmortems[other], shared_with(other), True))
        scores: Counter[int] = Counter()
        for key, at in place[n].items():
            scores.update(index[key][max(0, at - half): at + half + 1])
        scores.pop(n, None)
        # Most shared first; among equals the nearest in time, then by id for a stable order.
        best = heapq.nsmallest(top + len(named), scores.items(),
                               key=lambda item: (-item[1], abs(item[0] - n), postmortems[item[0]].id))
        picked = [other for other, _ in best if postmortems[other].id not in named][:top]
        entries += [Related(postmortems[other].id, postmortems[other], shared_with(other), False) for other in picked]
        result[pm.id] = entries
    return result
