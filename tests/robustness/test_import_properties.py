"""Property-based tests: `postmortem import` on random posts converts them losing no line, or says why not.

Random markdown, with YAML, TOML or no front matter, goes through
`convert_post` (what `postmortem import` runs per file). Either it raises
ImportFailure naming the file, or the result is a format v1 file that
loads, and every line of the post that is not a heading is in it, as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from robustness.profiles import bounded
from robustness.property_strategies import body, dump_front_matter, front_matter

from postmortem_kb.config import load_config
from postmortem_kb.importers import ImportFailure
from postmortem_kb.importers.markdown_post import convert_post, section_plan
from postmortem_kb.loader import markdown_parser, parse_postmortem

NAMES = ["2022-11-03-post.md", "PM2021-005 - Some outage.md", "post.md", "2024-02-30-bad-date.md", "no-suffix"]
toml_values = st.one_of(
    st.text(max_size=30).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers().map(str), st.sampled_from(["true", "2022-11-03", "2022-11-03T10:00:00Z", "[1, 2]", '["a", "b"]',
                                             "{ name = \"x\" }", "nope", "'unterminated", "1979-05-27T07:32:00-08:00"]),
)
toml_front_matter = st.dictionaries(st.sampled_from(["title", "date", "tags", "author", "summary", "slug", "draft"]),
                                    toml_values, max_size=6).map(
    lambda meta: "".join(f"{key} = {value}\n" for key, value in meta.items()))


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    root = tmp_path_factory.mktemp("import-kb")
    config = load_config(root)
    return root, config, section_plan(config, "default")


def heading_lines(markdown: str) -> set[int]:
    """0-based lines of top-level headings (setext ones span two), which the import may rewrite."""
    lines: set[int] = set()
    for token in markdown_parser().parse(markdown):
        if token.type == "heading_open" and token.level == 0 and token.map:
            lines.update(range(*token.map))
    return lines


def convert(root: Path, config, plan, name: str, text: str):
    source = root / "posts" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        return convert_post(source, config, "default", plan)
    except ImportFailure as exc:
        assert str(source) in str(exc), exc
        return None


def check_converted(post, config, markdown: str) -> None:
    pm = parse_postmortem(post.text, Path(post.name), config)
    assert not pm.failed, (pm.diagnostics, post.text[:500])
    assert pm.meta["status"] == "draft" and pm.title == post.title
    assert post.name.endswith(".md") and "/" not in post.name
    if post.date is not None:
        assert isinstance(post.date, dt.date) and post.name.startswith(post.date.isoformat())
    # Every line of the post that is not a heading is there, as it was.
    body_lines = markdown.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    output_lines = set(post.text.split("\n"))
    headings = heading_lines("\n".join(body_lines))
    lost = [line for n, line in enumerate(body_lines) if line.strip() and n not in headings and line not in output_lines]
    assert lost == [], lost


@bounded(100)
@given(body, st.sampled_from(NAMES))
def test_posts_without_front_matter(setting, markdown, name):
    root, config, plan = setting
    post = convert(root, config, plan, name, markdown)
    if post is not None and not markdown.lstrip().startswith(("---", "+++")):
        check_converted(post, config, markdown)


@bounded(100)
@given(front_matter, body, st.sampled_from(NAMES))
def test_posts_with_yaml_front_matter(setting, meta, markdown, name):
    root, config, plan = setting
    dumped = dump_front_matter(meta)
    if dumped is None:
        return
    post = convert(root, config, plan, name, f"---\n{dumped}---\n{markdown}")
    if post is not None:
        check_converted(post, config, markdown)


@bounded(100)
@given(toml_front_matter, body, st.sampled_from(NAMES))
def test_posts_with_toml_front_matter(setting, toml, markdown, name):
    root, config, plan = setting
    post = convert(root, config, plan, name, f"+++\n{toml}+++\n{markdown}")
    if post is not None:
        check_converted(post, config, markdown)


@bounded(100)
@given(st.binary(max_size=2000), st.sampled_from([b"", b"---\n", b"+++\n", b"\xef\xbb\xbf# Title\n"]))
def test_random_bytes(setting, data, prefix):
    root, config, plan = setting
    source = root / "posts" / "bytes.md"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(prefix + data)
    try:
        post = convert_post(source, config, "default", plan)
    except ImportFailure as exc:
        assert str(source) in str(exc), exc
        return
    assert not parse_postmortem(post.text, Path(post.name), config).failed


def test_an_alias_bomb_is_refused_at_once_not_expanded(setting):
    """Found by the tests above: the import used to flatten aliased tags, for minutes or for ever."""
    import time

    root, config, plan = setting
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 10)]
    started = time.perf_counter()
    post = convert(root, config, plan, "bomb.md", "---\ntitle: bomb\n" + "\n".join(lines) + "\ntags: *a9\n---\nbody\n")
    assert post is None and time.perf_counter() - started < 2
