"""`postmortem review`: the review queue, one postmortem's review state, approvals and review requests."""

from __future__ import annotations

import sys

import click

from postmortem_kb.commands.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    fail,
    kb_config,
)

KIND_LABELS = {"awaiting": "in review", "stale-draft": "stale draft", "missing-approvals": "short of approvals"}


def git_user_name() -> str:
    from postmortem_kb.commands.new import _git_user_name

    return _git_user_name()


@click.command()
@click.argument("pm_id", metavar="[ID]", required=False)
@click.option("--approve", is_flag=True, help="Add an approval of ID (by --as, default `git config user.name`).")
@click.option("--as", "as_name", metavar="NAME", help="Who approves (default: git config user.name).")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The approval's date, YYYY-MM-DD (default today).")
@click.option("--request", "requests", multiple=True, metavar="NAME",
              help="Ask NAME to review ID (adds to `reviewers:`); repeat for several.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def review(ctx, pm_id, approve, as_name, on, requests, output_format) -> None:
    """Review postmortems: see what waits, request reviewers, record approvals.

    Without ID: the review queue (postmortems in review, drafts older than
    `review.stale_draft_days`, published ones short of the approvals the
    rules ask). With ID alone: its approvals against the rules and who may
    approve it. --request adds reviewers; --approve adds an approval to the
    front matter (`approvals: [{by, date}]`), editing only those lines, in
    place and atomically. An author cannot approve their own postmortem, nor
    can anyone the rules (`review.approvers`) leave out; approving twice
    changes nothing. Lint checks the approvals once the status is published.

    Exit 0 on success, 1 when an approval or request is refused (nothing is
    written), 2 on a usage error.

    \b
    Examples:
      postmortem review
      postmortem review 2024-03-05-checkout-errors
      postmortem review 2024-03-05-checkout-errors --request jonas --request li
      postmortem review 2024-03-05-checkout-errors --approve
      postmortem review 2024-03-05-checkout-errors --approve --as jonas --date 2024-03-08
    """
    from postmortem_kb.review import ReviewError, ReviewRules

    config = kb_config(ctx)
    if (approve or requests or as_name or on) and not pm_id:
        fail("--approve, --as, --date and --request need the ID of a postmortem", EXIT_USAGE)
    if (as_name or on) and not approve:
        fail("--as and --date go with --approve", EXIT_USAGE)
    rules = ReviewRules.from_config(config)
    if not pm_id:
        _show_queue(config, rules, output_format)
        sys.exit(EXIT_OK)
    from postmortem_kb.review import approve as add_approval
    from postmortem_kb.review import request_review

    messages = []
    try:
        if requests:
            messages.append(request_review(config, pm_id, list(requests), rules).message)
        if approve:
            name = as_name if as_name is not None else git_user_name()
            if not name.strip():
                fail("who approves? pass --as NAME, or set `git config user.name`", EXIT_USAGE)
            messages.append(add_approval(config, pm_id, name, on.date() if on else None, rules).message)
    except ReviewError as exc:
        fail(str(exc), EXIT_PROBLEM)
    if output_format == "text":
        for message in messages:
            click.echo(message)
    _show_one(config, rules, pm_id, output_format, quiet=bool(messages) and output_format == "text")
    sys.exit(EXIT_OK)


def _show_queue(config, rules, output_format: str) -> None:
    import json

    from postmortem_kb.kb import load_knowledge_base
    from postmortem_kb.review import review_queue, review_record
    from postmortem_kb.tables import render_table, terminal_width

    kb = load_knowledge_base(config=config)
    for error in kb.load_errors():
        click.echo(f"warning: {error.path}:{error.line}: {error.message} (not counted here)", err=True)
    entries = review_queue(kb.loaded, config, rules=rules)
    if output_format == "json":
        click.echo(json.dumps([review_record(e) for e in entries], indent=2, ensure_ascii=False))
        return
    rows = [[KIND_LABELS[e.kind], "-" if e.age_days is None else f"{e.age_days}d",
             f"{len(e.approval.counted)}/{e.approval.required}", e.postmortem.title, e.postmortem.id]
            for e in entries]
    click.echo(render_table(["WAITING", "AGE", "APPROVALS", "TITLE", "ID"], rows, terminal_width(),
                            {4: 16, 3: 24}))
    click.echo(f"{len(entries)} postmortem(s) waiting on review (age: days since the incident)")


def _show_one(config, rules, pm_id: str, output_format: str, quiet: bool) -> None:
    import json

    from postmortem_kb.kb import load_one
    from postmortem_kb.review import (
        ReviewError,
        approvals_of,
        find_postmortem_file,
        needs_approvals,
        reviewers_of,
    )

    try:
        pm = load_one(find_postmortem_file(config, pm_id), config)
    except ReviewError as exc:
        fail(str(exc), EXIT_PROBLEM)
    if pm.failed:
        first = pm.diagnostics[0]
        fail(f"{first.path}:{first.line}: {first.message}", EXIT_PROBLEM)
    state = rules.state(pm)
    if output_format == "json":
        click.echo(json.dumps({
            "id": pm.id, "status": pm.status, "severity": pm.severity, "required": state.required,
            "approvals": [{"by": a.by, "date": a.date.isoformat() if a.date else None} for a in approvals_of(pm)],
            "counted": [a.by for a in state.counted], "by_author": [a.by for a in state.by_author],
            "not_allowed": [a.by for a in state.not_allowed], "missing": state.missing,
            "may_approve": state.may_approve, "reviewers": reviewers_of(pm),
        }, indent=2, ensure_ascii=False))
        return
    counted = ", ".join(a.by for a in state.counted) or "none"
    line = f"{pm.id}: {len(state.counted)} of {state.required} approval(s) ({counted})"
    if state.satisfied:
        line += "; enough to publish" if not needs_approvals(pm, config) else "; enough"
    else:
        line += f"; may approve: {state.who_may_approve()}"
    if not quiet:
        click.echo(f"{pm.id}: status {pm.status or '-'}, severity {pm.severity or '-'}; "
                   f"reviewers: {', '.join(reviewers_of(pm)) or 'none'}")
    click.echo(line)
    for approval in state.by_author:
        click.echo(f"  {approval.by}'s approval does not count: an author of it")
    for approval in state.not_allowed:
        click.echo(f"  {approval.by}'s approval does not count: not among those who may approve")
