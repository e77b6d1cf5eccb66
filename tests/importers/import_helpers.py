"""Helpers for the importer tests: the shared corpus, and "was every word kept"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postmortem_kb.loader import markdown_parser

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
FIXTURES = REPO / "tests" / "fixtures" / "importers"
POSTS = FIXTURES / "posts"
EXPORTS = FIXTURES / "exports"


def shared_path(*parts: str) -> Path:
    """A file of the shared corpus beside the repository; skip when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (the shared corpus sits beside the repository on the team's machines)")
    return path


def normalise(text: str) -> str:
    return " ".join(text.split())


def body_texts(markdown: str) -> list[str]:
    """Every paragraph, list item, table cell and quote of a markdown text, whitespace normalised."""
    tokens = markdown_parser().parse(markdown)
    texts = []
    for n, token in enumerate(tokens):
        if token.type != "inline":
            continue
        if n > 0 and tokens[n - 1].type == "heading_open":
            continue
        if token.content.strip():
            texts.append(normalise(token.content))
    return texts


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", normalise(text)) if s]


def missing_texts(source_body: str, output: str) -> list[str]:
    """Texts of the source that the output does not contain, word for word."""
    kept = normalise(output)
    return [t for t in body_texts(source_body) if t not in kept]
