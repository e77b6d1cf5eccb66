import datetime as dt

import frontmatter
import pytest

from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.scaffold import NewPostmortem, ScaffoldError, create_postmortem, incident_time, slugify

# Enter at the summary and the four time prompts.
SKIP_REST = "\n" * 5


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
    result = runner.invoke(main, ["new", "Prompted"], input="SEV1\nnet, dns\nresolver\nann\n2024-02-02\n" + SKIP_REST)
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


def test_prompts_suggest_existing_tags_and_services(kb, runner):
    from conftest import VALID_POSTMORTEM, write

    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    result = runner.invoke(main, ["new", "Suggested"], input="\nserver-infra\n\nann\n2024-02-03\n" + SKIP_REST)
    assert result.exit_code == 0, result.output
    assert "Severity (SEV1, SEV2, SEV3, SEV4) [SEV4]" in result.output
    assert "In use: cache, server-infra" in result.output and "In use: sessions" in result.output
    post = frontmatter.load(kb / "postmortems/2024-02-03-suggested.md")
    assert (post["severity"], post["tags"], post["services"]) == ("SEV4", ["server-infra"], [])


def test_a_configured_vocabulary_is_enforced_at_the_prompt(kb, runner):
    (kb / "postmortem-kb.yml").write_text("tags: [dns, network]\n", encoding="utf-8")
    result = runner.invoke(main, ["new", "Vocab", "--severity", "SEV2", "--service", "x", "--author", "a",
                                  "--date", "2024-02-04"], input="dsn\ndns\n" + SKIP_REST)
    assert result.exit_code == 0, result.output
    assert "Allowed: dns, network" in result.output and "dsn not in the configured list" in result.output
    assert frontmatter.load(kb / "postmortems/2024-02-04-vocab.md")["tags"] == ["dns"]


def test_no_input_never_loads_the_knowledge_base(kb, runner, monkeypatch):
    import postmortem_kb.kb

    def refuse(*args, **kwargs):
        raise AssertionError("new --no-input loaded the knowledge base")

    monkeypatch.setattr(postmortem_kb.kb, "load_knowledge_base", refuse)
    result = runner.invoke(main, ["new", "Fast", "--severity", "SEV2", "--date", "2024-02-05", "--no-input"])
    assert result.exit_code == 0, result.output


def test_author_defaults_to_git_user_name(kb, runner, tmp_path, monkeypatch):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Wei Zhang\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert runner.invoke(main, ["new", "Git", "--severity", "SEV2", "--date", "2024-02-06", "--no-input"]).exit_code == 0
    assert frontmatter.load(kb / "postmortems/2024-02-06-git.md")["authors"] == ["Wei Zhang"]
    result = runner.invoke(main, ["new", "Git two", "--severity", "SEV2", "--tag", "t", "--service", "s",
                                  "--date", "2024-02-06"], input="\n" + SKIP_REST)
    assert "Authors (comma-separated) [Wei Zhang]" in result.output
    assert frontmatter.load(kb / "postmortems/2024-02-06-git-two.md")["authors"] == ["Wei Zhang"]


def test_open_runs_the_editor_on_the_new_file(kb, runner, tmp_path, monkeypatch):
    import sys

    record = tmp_path / "opened.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(f"import sys\nopen({str(record)!r}, 'w').write('|'.join(sys.argv[1:]))\n", encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor} --wait")
    result = runner.invoke(main, ["new", "Open me", "--severity", "SEV2", "--date", "2024-02-07", "--no-input", "--open"])
    assert result.exit_code == 0, result.output
    assert record.read_text() == f"--wait|{kb / 'postmortems/2024-02-07-open-me.md'}"
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c pass")  # VISUAL wins over EDITOR
    record.unlink()
    assert runner.invoke(main, ["new", "Open two", "--severity", "SEV2", "--date", "2024-02-07", "--no-input", "--open"]).exit_code == 0
    assert not record.exists()


def test_open_without_an_editor_is_a_usage_error_and_writes_nothing(kb, runner, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = runner.invoke(main, ["new", "No editor", "--severity", "SEV2", "--no-input", "--open"])
    assert result.exit_code == 2 and "set $VISUAL or $EDITOR" in result.output
    assert list((kb / "postmortems").iterdir()) == []


def test_titles_in_other_scripts_keep_the_title_and_get_a_usable_file_name(kb, runner):
    result = runner.invoke(main, ["new", "数据库宕机", "--severity", "SEV2", "--date", "2024-02-08", "--no-input"])
    assert result.exit_code == 0, result.output
    path = kb / result.output.strip()
    assert path.name.startswith("2024-02-08-incident-") and path.name.isascii()
    assert frontmatter.load(path)["title"] == "数据库宕机"


def test_unknown_template_is_a_usage_error(kb, runner):
    result = runner.invoke(main, ["new", "T", "--template", "nope", "--no-input", "--severity", "SEV2"])
    assert result.exit_code == 2 and "available: default, lite, security" in result.output


def test_new_asks_for_summary_and_times_and_writes_iso_in_the_configured_zone(kb, runner):
    (kb / "postmortem-kb.yml").write_text("timezone: Europe/Copenhagen\n", encoding="utf-8")
    answers = ["Checkout failed for a third of users.", "23:41", "2025-09-14 23:50", "", "2025-09-15T01:10:00Z"]
    result = runner.invoke(main, ["new", "Timed", "--severity", "SEV2", "--tag", "t", "--service", "s", "--author",
                                  "ann", "--date", "2025-09-14"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Started at (23:41, 2025-09-14 23:41 or ISO; Europe/Copenhagen; Enter to skip)" in result.output
    path = kb / "postmortems/2025-09-14-timed.md"
    text = path.read_text(encoding="utf-8")
    assert "started_at: 2025-09-14T23:41:00+02:00\n" in text and "detected_at: 2025-09-14T23:50:00+02:00\n" in text
    assert "mitigated_at:\n" in text and "resolved_at: 2025-09-15T03:10:00+02:00\n" in text
    post = frontmatter.load(path)
    assert post["summary"] == "Checkout failed for a third of users."
    assert post["started_at"] == dt.datetime(2025, 9, 14, 23, 41, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_a_time_before_the_one_above_or_unreadable_is_asked_again(kb, runner):
    answers = ["", "10:00+00:00", "09:00+00:00", "nine", "10:05+00:00", "", ""]
    result = runner.invoke(main, ["new", "Again", "--severity", "SEV2", "--tag", "t", "--service", "s", "--author",
                                  "ann", "--date", "2025-09-14"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "is before started at 2025-09-14T10:00:00+00:00" in result.output and "'nine' is not a time" in result.output
    post = frontmatter.load(kb / "postmortems/2025-09-14-again.md")
    assert post["detected_at"] == dt.datetime(2025, 9, 14, 10, 5, tzinfo=dt.timezone.utc) and post["summary"] == ""


def test_times_as_flags_with_no_input(kb, runner):
    result = runner.invoke(main, ["new", "Flags", "--severity", "SEV2", "--date", "2025-09-14", "--no-input",
                                  "--summary", "Short.", "--started-at", "23:41+01:00",
                                  "--resolved-at", "2025-09-15 00:30+01:00"])
    assert result.exit_code == 0, result.output
    post = frontmatter.load(kb / "postmortems/2025-09-14-flags.md")
    assert post["summary"] == "Short." and post["started_at"].isoformat() == "2025-09-14T23:41:00+01:00"
    bad = runner.invoke(main, ["new", "Bad", "--severity", "SEV2", "--date", "2025-09-14", "--no-input",
                               "--started-at", "10:00+00:00", "--detected-at", "09:00+00:00"])
    assert bad.exit_code == 2 and "--detected-at" in bad.output
    assert not (kb / "postmortems/2025-09-14-bad.md").exists()


def test_without_a_configured_zone_the_machines_zone_is_used_and_said(kb, runner, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        result = runner.invoke(main, ["new", "Local", "--severity", "SEV2", "--date", "2025-07-01", "--no-input",
                                      "--started-at", "12:00"])
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert result.exit_code == 0, result.output
    assert "this machine's local zone (UTC-04:00 on 2025-07-01)" in result.output
    assert frontmatter.load(kb / "postmortems/2025-07-01-local.md")["started_at"].isoformat() == "2025-07-01T12:00:00-04:00"


def test_incident_time_reads_what_people_type():
    day = dt.date(2025, 9, 14)
    assert incident_time("9:05", day, "+02:00")[0].isoformat() == "2025-09-14T09:05:00+02:00"
    assert incident_time("2025-09-15 01:10", day, "UTC")[0].isoformat() == "2025-09-15T01:10:00+00:00"
    assert incident_time("2025-09-14T23:41:00-07:00", day, None) == (
        dt.datetime(2025, 9, 14, 23, 41, tzinfo=dt.timezone(dt.timedelta(hours=-7))), None)
    with pytest.raises(ValueError, match="not a time"):
        incident_time("25:99", day, None)


def test_a_template_that_does_not_write_a_given_time_says_so(kb, runner):
    (kb / "templates").mkdir()
    (kb / "templates/bare.md.j2").write_text("---\ntitle: {{ title | yaml }}\n---\n", encoding="utf-8")
    result = runner.invoke(main, ["new", "Bare", "--template", "bare", "--date", "2025-09-14", "--no-input",
                                  "--started-at", "10:00+00:00"])
    assert result.exit_code == 0 and "does not write started_at" in result.output


def test_fresh_files_carry_the_format_v1_1_keys_blank_and_lint_accepts_them(kb, runner):
    import json

    for template in ("default", "lite", "security"):
        assert runner.invoke(main, ["new", f"Keys {template}", "--template", template, "--severity", "SEV2",
                                    "--tag", "t", "--author", "a", "--date", "2025-01-01", "--no-input"]).exit_code == 0
        post = frontmatter.load(kb / f"postmortems/2025-01-01-keys-{template}.md")
        assert post["reviewers"] == [] and post["approvals"] == [] and post["contributing_factors"] == []
        assert all(key in post.metadata and post[key] is None
                   for key in ("trigger", "detection", "incident_commander", "customer_impact", "mitigated_at"))
    findings = json.loads(runner.invoke(main, ["lint", "--format", "json"]).stdout)
    assert not [f for f in findings if f["rule"] in ("front-matter-type", "front-matter-unknown-key", "front-matter-format")]


def test_a_template_name_longer_than_a_file_name_can_be_is_no_template(tmp_path):
    from postmortem_kb.config import load_config
    from postmortem_kb.scaffold import ScaffoldError, find_template

    (tmp_path / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="no template named"):
        find_template(load_config(tmp_path), "x" * 300)
