import datetime as dt

import frontmatter
import pytest

from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.scaffold import NewPostmortem, ScaffoldError, create_postmortem, slugify


def test_slugs_are_ascii_bounded_and_never_paths():
    assert slugify("KV store: latency (again)!") == "kv-store-latency-again"
    assert slugify("Café déjà vu") == "cafe-deja-vu"
    assert slugify("../../etc/passwd") == "etc-passwd"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-")
    cjk = slugify("数据库宕机")
    assert cjk.startswith("incident-") and cjk == slugify("数据库宕机")


def test_new_no_input_writes_a_draft_and_prints_the_path(kb, runner):
    result = runner.invoke(main, [
        "new", "KV store latency", "--severity", "SEV2", "--tag", "server-infra", "--tag", "kv",
        "--service", "kv-store", "--author", "wei", "--date", "2017-12-10", "--no-input",
    ])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "postmortems/2017-12-10-kv-store-latency.md"
    post = frontmatter.load(kb / "postmortems/2017-12-10-kv-store-latency.md")
    assert post["title"] == "KV store latency" and post["status"] == "draft"
    assert post["tags"] == ["server-infra", "kv"] and post["services"] == ["kv-store"]
    assert post["authors"] == ["wei"] and post["date"] == dt.date(2017, 12, 10)
    assert "## Root cause" in post.content and "## Action items" in post.content


def test_new_never_overwrites(kb, runner):
    args = ["new", "Same title", "--severity", "SEV3", "--date", "2024-01-01", "--no-input"]
    assert runner.invoke(main, args).exit_code == 0
    path = kb / "postmortems/2024-01-01-same-title.md"
    path.write_text("my edits", encoding="utf-8")
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "already exists" in result.output
    assert path.read_text(encoding="utf-8") == "my edits"


def test_new_prompts_for_missing_fields(kb, runner):
    result = runner.invoke(main, ["new", "Prompted"], input="SEV1\nnet, dns\nresolver\nann\n2024-02-02\n")
    assert result.exit_code == 0, result.output
    post = frontmatter.load(kb / "postmortems/2024-02-02-prompted.md")
    assert (post["severity"], post["tags"], post["authors"]) == ("SEV1", ["net", "dns"], ["ann"])


def test_titles_with_quotes_and_yaml_specials_stay_as_written(kb):
    config = load_config(kb)
    title = 'DNS: "yes" & <no> — 数据库'
    path = create_postmortem(config, NewPostmortem(title=title, date=dt.date(2024, 5, 1), severity="SEV4"))
    assert frontmatter.load(path)["title"] == title


def test_template_errors_name_the_template_and_line(kb):
    config = load_config(kb)
    (kb / "templates").mkdir()
    (kb / "templates/broken.md.j2").write_text("---\ntitle: {{ title }\n---\n", encoding="utf-8")
    (kb / "templates/undefined.md.j2").write_text("---\ntitle: x\n---\n\n{{ no_such_thing }}\n", encoding="utf-8")
    request = NewPostmortem(title="t", date=dt.date(2024, 1, 1), severity="SEV1", template="broken")
    with pytest.raises(ScaffoldError, match=r"broken\.md\.j2:2: template syntax error"):
        create_postmortem(config, request)
    request.template = "undefined"
    with pytest.raises(ScaffoldError, match=r"undefined\.md\.j2:5: .*no_such_thing"):
        create_postmortem(config, request)
    request.template = "../../etc/passwd"
    with pytest.raises(ScaffoldError, match="not allowed"):
        create_postmortem(config, request)
    assert list((kb / "postmortems").iterdir()) == []
