"""Related incidents: what `related:` names, plus the postmortems sharing the most tags and services.

Scoring walks an inverted index (tag or service -> postmortems, newest
first) instead of comparing every pair. A value that hundreds of postmortems
share ("kubernetes") would still make that walk quadratic, so for each value
only the NEIGHBOURS postmortems closest in time are considered: among
incidents that share a very common tag, the ones near in time are the
relevant ones. The work per postmortem is bounded by its number of tags and
services times NEIGHBOURS.

During a live preview `RelatedIndex.update` recomputes only the lists an
edit can change (see there).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

from postmortem_kb.model import Postmortem
from postmortem_kb.scaffold import url_slug

TOP_RELATED = 5
NEIGHBOURS = 40

Key = tuple[str, str]  # (kind, slug): ("tag", "server-infra")


@dataclass(frozen=True)
class Related:
    """One entry of a postmortem's "Related incidents"."""

    postmortem_id: str
    postmortem: Postmortem | None  # None: `related:` names an id the knowledge base does not have
    shared: list[str]  # the tags and services both carry, for the reader to see why
    named: bool  # listed in `related:` by the author


def related_keys(pm: Postmortem) -> dict[Key, str]:
    """(kind, slug) -> label, for each distinct tag and service."""
    keys: dict[Key, str] = {}
    for kind, values in (("tag", pm.tags), ("service", pm.services)):
        for name in values:
            keys.setdefault((kind, url_slug(name)), name)
    return keys


class RelatedIndex:
    """Every postmortem's related incidents. `postmortems` must be newest first."""

    def __init__(self, postmortems: list[Postmortem], top: int = TOP_RELATED, neighbours: int = NEIGHBOURS,
                 keys_of: Callable[[Postmortem], dict[Key, str]] | None = None):
        self.postmortems = postmortems
        self.top, self.half = top, max(1, neighbours // 2)
        self.position = {pm.id: n for n, pm in enumerate(postmortems)}
        # `keys_of`: a postmortem's tags and services as `related_keys` gives them (a preview keeps them).
        self.keys_of = [(keys_of or related_keys)(pm) for pm in postmortems]
        # Posting lists hold positions in the newest-first order, so a window
        # of a list is a run of incidents close in time.
        self.index: dict[Key, list[int]] = defaultdict(list)
        self.place: list[dict[Key, int]] = [{} for _ in postmortems]
        for n, keys in enumerate(self.keys_of):
            for key in keys:
                members = self.index[key]
                self.place[n][key] = len(members)
                members.append(n)
        self.of: dict[str, list[Related]] = {}

    def compute(self) -> RelatedIndex:
        self.of = {pm.id: self._related(n) for n, pm in enumerate(self.postmortems)}
        return self

    def update(self, previous: RelatedIndex, changed: set[str]) -> RelatedIndex:
        """This index's lists, taking from `previous` those that `changed` postmortems cannot have changed.

        When the newest-first order is the same, a list changes only for a
        changed postmortem itself and for the members of a tag or service
        it gained or lost (that posting list shifted under their windows):
        other lists neither score nor label it differently. Any other change
        of order (a new, removed or re-dated postmortem) recomputes them all.
        """
        if [pm.id for pm in previous.postmortems] != [pm.id for pm in self.postmortems]:
            return self.compute()
        redo = set(changed)
        for postmortem_id in changed:
            n = self.position[postmortem_id]
            for key in previous.keys_of[n].keys() ^ self.keys_of[n].keys():
                redo.update(self.postmortems[m].id for m in previous.index.get(key, ()))
                redo.update(self.postmortems[m].id for m in self.index.get(key, ()))
        by_id = {pm.id: pm for pm in self.postmortems}
        for n, pm in enumerate(self.postmortems):
            if pm.id in redo:
                self.of[pm.id] = self._related(n)
            else:
                # Same entries; the postmortems they show may have been reloaded.
                self.of[pm.id] = [Related(e.postmortem_id, by_id.get(e.postmortem_id), e.shared, e.named)
                                  for e in previous.of[pm.id]]
        return self

    def _related(self, n: int) -> list[Related]:
        postmortems, own = self.postmortems, self.keys_of[n]
        pm = postmortems[n]

        def shared_with(other: int) -> list[str]:
            return [own[key] for key in self.keys_of[other] if key in own]

        entries: list[Related] = []
        named: set[str] = set()
        for other_id in pm.list_field("related"):
            if other_id != pm.id and other_id not in named:
                named.add(other_id)
                other = self.position.get(other_id)
                if other is None:
                    entries.append(Related(other_id, None, [], True))
                else:
                    entries.append(Related(other_id, postmortems[other], shared_with(other), True))
        scores: Counter[int] = Counter()
        half = self.half
        for key, at in self.place[n].items():
            scores.update(self.index[key][max(0, at - half): at + half + 1])
        scores.pop(n, None)
        # Most shared first; among equals the nearest in time, then by id for a stable order.
        best = heapq.nsmallest(self.top + len(named), scores.items(),
                               key=lambda item: (-item[1], abs(item[0] - n), postmortems[item[0]].id))
        picked = [other for other, _ in best if postmortems[other].id not in named][:self.top]
        entries += [Related(postmortems[other].id, postmortems[other], shared_with(other), False) for other in picked]
        return entries


def related_incidents(postmortems: list[Postmortem], top: int = TOP_RELATED,
                      neighbours: int = NEIGHBOURS) -> dict[str, list[Related]]:
    """Postmortem id -> its related incidents. `postmortems` must be newest first."""
    return RelatedIndex(postmortems, top, neighbours).compute().of
