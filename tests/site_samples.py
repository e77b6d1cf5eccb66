"""A small knowledge base with every shape the site must handle, for the site tests.

The postmortems here are written to a real folder; the tests build them with
a real `mkdocs build` or render them through `render_site`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, VALID_POSTMORTEM, write

OLDER = (
    VALID_POSTMORTEM.replace("Cache stampede on the session store", "Older disk full on the build host")
    .replace("date: 2024-01-09", "date: 2023-05-01")
    .replace("2024-01-09T", "2023-05-01T")
    .replace("2024-01-09 10:00", "2023-05-01 10:00")
    .replace("zanzibar", "quokka")
    .replace("summary: A cache flush", "summary: Logs filled")
    .replace("services: [sessions]", "services: [build-host]")
    .replace("severity: SEV2", "severity: SEV1")
    .replace("| Guard the flush command | lee | P2 | 2024-02-01 | open | OPS-1 |",
             "| Rotate build logs | lee | P1 | 2023-06-01 | done | OPS-2 |")
)

# No times, no tags, no services, no action items, an unknown severity.
SPARSE = """\
---
title: Sparse one with an unknown severity
date: 2022-08-15
severity: catastrophic
status: draft
related: [2024-01-09-cache-stampede, 2019-01-01-gone]
---

## Summary

Something broke; the word pangolin appears only here.
"""

UNDATED = """\
---
title: Undated and unlabelled
---

Only a line of text.
"""

# Front matter that tries to become HTML or markdown on every page it reaches.
HOSTILE = VALID_POSTMORTEM.replace(
    "title: Cache stampede on the session store", 'title: "<script>alert(1)</script> [x](javascript:alert(2))"'
).replace("tags: [server-infra, cache]", 'tags: ["<img src=x onerror=alert(3)>", "$\\\\frac{a}{b}$", cache]').replace(
    "services: [sessions]", 'services: ["<svg onload=alert(5)>"]'
).replace(
    "summary: A cache flush sent every request to the database at once.", 'summary: "<b onmouseover=alert(4)>hi</b>"'
).replace("authors: [lee]", 'authors: ["<i>mallory</i>"]').replace("date: 2024-01-09", "date: 2021-03-03").replace(
    "| Guard the flush command | lee |", "| <img src=y onerror=alert(6)> | <u>eve</u> |"
).replace("zanzibar", "wombat")

SAMPLES = {
    "2024-01-09-cache-stampede.md": VALID_POSTMORTEM,
    "2023-05-01-disk-full.md": OLDER,
    "2022-08-15-sparse.md": SPARSE,
    "undated.md": UNDATED,
    "2021-03-03-hostile.md": HOSTILE,
}

# What the hostile sample's front matter tries to inject: it may reach no page as markup.
FRONT_MATTER_INJECTED = ("<script>alert", "<img src=x", "<b onmouseover", "<svg onload", "<i>mallory", 'href="javascript:')
# Its action-item cells: the ledger and the data show them as text. (On the
# postmortem's own page they are the author's markdown body, rendered as such.)
ACTION_INJECTED = ("<img src=y", "<u>eve")


def make_kb(root: Path, samples: dict[str, str] | None = None) -> Path:
    """A knowledge base folder with the repository's mkdocs.yml and docs/."""
    (root / "postmortems").mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs", root / "docs", dirs_exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for name, text in (SAMPLES if samples is None else samples).items():
        write(root / "postmortems" / name, text)
    return root


def loaded(root: Path):
    """The sample knowledge base loaded into the model, as the site sees it."""
    from postmortem_kb.kb import load_knowledge_base

    return load_knowledge_base(root)


def synthetic(count: int, tags_of=lambda n: ["shared"], services_of=lambda n: [], start_year: int = 2000):
    """`count` dated postmortems in memory, newest first, with tags and services chosen by index."""
    import datetime as dt

    from postmortem_kb.model import Postmortem

    postmortems = []
    for n in range(count):
        day = dt.date(start_year, 1, 1) + dt.timedelta(days=n)
        meta = {"title": f"Incident {n}", "date": day, "tags": tags_of(n), "services": services_of(n)}
        postmortems.append(Postmortem(path=Path(f"postmortems/{day}-i{n}.md"), id=f"{day}-i{n}", meta=meta))
    return list(reversed(postmortems))
