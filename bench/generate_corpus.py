"""Generate a deterministic synthetic knowledge base of format-v1 postmortems.

The same (n, seed, broken_ratio) always gives the same files, byte for byte,
so benchmarks compare like with like across runs and machines. Files are
about 7 KB of realistic prose with varied tags, services, severities,
timelines and action items; `broken_ratio` of them carry the faults lint
must survive (bad YAML, wrong types, unparseable times, missing sections,
bytes that are not UTF-8).

    python bench/generate_corpus.py /tmp/corpus --count 5000 --seed 7 --broken-ratio 0.01

Other benchmarks import `generate(folder, n, seed, broken_ratio)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
STATUSES = ["draft", "in-review", "published", "published", "published"]
ACTION_STATUSES = ["open", "in-progress", "done", "done", "wontfix"]
TAGS = [
    "server-infra", "networking", "dns", "database", "kv-store", "cache", "payments", "config-change",
    "deploy", "certificates", "kubernetes", "storage", "queue", "auth", "observability", "capacity",
    "third-party", "security", "cdn", "mobile",
]
SERVICES = [
    "checkout", "payment-gateway", "sessions", "search", "kv-store", "api-gateway", "resolver", "billing",
    "notifications", "identity", "ledger", "inventory", "web-frontend", "ingest", "reporting",
]
PEOPLE = ["wei", "amara", "jonas", "lee", "priya", "sam", "noor", "diego", "mette", "kofi", "ines", "tomas"]
SUBJECTS = [
    "the primary database", "the cache cluster", "the load balancer pool", "the deploy pipeline",
    "the certificate rotation job", "the DNS resolvers", "the message queue", "the session store",
    "the payment gateway", "the search index", "the ingest workers", "the CDN configuration",
]
FAILURES = [
    "ran out of connections", "saturated its CPU", "served stale data", "dropped a fraction of requests",
    "rejected valid tokens", "stopped processing its backlog", "returned errors for writes",
    "exhausted its file descriptors", "fell behind on replication", "lost quorum",
]
CAUSES = [
    "a configuration change that skipped the canary stage", "a retry storm after a brief network blip",
    "an expired intermediate certificate", "a schema migration that locked a hot table",
    "mass expiry of keys written with the same TTL", "a dependency upgrade with a changed default",
    "a capacity limit nobody had revisited since launch", "an alert threshold that was set too high",
]
EVENTS = [
    "Latency alarms fire for {svc}", "On-call acknowledges the page", "Incident channel opened",
    "Dashboards show error rate climbing on {svc}", "Rollback of the last deploy starts",
    "Traffic shifted away from the affected region", "Mitigation applied: connection limits raised",
    "Error rate back to baseline", "Customer support reports user complaints", "Status page updated",
    "Root cause identified in the change log", "Cache warmed; latency normal", "Incident closed",
]
ACTIONS = [
    "Add a canary stage for {svc} configuration", "Alert on saturation before errors",
    "Spread key TTLs to avoid mass expiry", "Automate certificate renewal checks",
    "Write a runbook for {svc} failover", "Load-test {svc} at twice peak traffic",
    "Add a guard to the destructive admin command", "Review alert thresholds for {svc}",
]
PROSE = [
    "The team followed the runbook, which covered the first steps but not the failover.",
    "Dashboards made the problem visible within minutes, but the alert routing added delay.",
    "Because the change was rolled out to every region at once, the blast radius was the whole fleet.",
    "Retries from clients amplified the load and kept the service saturated after the trigger ended.",
    "The metrics that would have shown the trend were collected but not graphed anywhere people looked.",
    "A similar incident two years earlier had led to an action item that was never completed.",
    "Communication with customer support worked well once the incident channel was opened.",
    "The rollback itself took longer than expected because the previous artifact had been garbage collected.",
]
SECTION_ORDER = ["Summary", "Impact", "Timeline", "Root cause", "Trigger", "Detection", "Resolution",
                 "Action items", "Lessons learned"]


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(" ".join(rng.sample(PROSE, k=rng.randint(2, 4))) for _ in range(count))


def _timeline(rng: random.Random, start: dt.datetime, service: str) -> tuple[str, dt.datetime]:
    rows = ["| Time | Event |", "|------|-------|"]
    moment = start
    for n in range(rng.randint(6, 14)):
        text = rng.choice(EVENTS).format(svc=service)
        stamp = moment.strftime("%Y-%m-%d %H:%M") if n == 0 or moment.date() != start.date() else moment.strftime("%H:%M")
        rows.append(f"| {stamp} | {text} |")
        moment += dt.timedelta(minutes=rng.randint(2, 25))
    return "\n".join(rows), moment


def _actions(rng: random.Random, date: dt.date, service: str) -> tuple[str, list[str]]:
    """The action-items table, and the status of each item."""
    rows = ["| Action | Owner | Priority | Due | Status | Ticket |", "|--------|-------|----------|-----|--------|--------|"]
    statuses = []
    for n in range(rng.randint(1, 6)):
        due = date + dt.timedelta(days=rng.randint(14, 120))
        # Drawn in the order the cells are written, so the corpus stays what it was.
        action, owner, priority = rng.choice(ACTIONS).format(svc=service), rng.choice(PEOPLE), rng.randint(1, 3)
        statuses.append(rng.choice(ACTION_STATUSES))
        rows.append(f"| {action} | {owner} | P{priority} | {due.isoformat()} | {statuses[-1]} "
                    f"| OPS-{rng.randint(100, 9999)} |")
    return "\n".join(rows), statuses


def render_postmortem(rng: random.Random, index: int, earlier: list[str] | None = None) -> tuple[str, str]:
    """(file name, text) of one realistic postmortem; `earlier` ids may appear in `related:`."""
    date = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 3650))
    offset = rng.choice(["+00:00", "+01:00", "+08:00", "-05:00"])
    zone = dt.timezone(dt.timedelta(hours=int(offset[:3])))
    start = dt.datetime.combine(date, dt.time(rng.randint(0, 18), rng.choice([0, 5, 12, 30, 47])), zone)
    service = rng.choice(SERVICES)
    subject, failure, cause = rng.choice(SUBJECTS), rng.choice(FAILURES), rng.choice(CAUSES)
    title = f"{subject.capitalize()} {failure}"
    slug = "-".join(title.lower().replace(";", "").split())[:50].strip("-") + f"-{index}"
    timeline, end = _timeline(rng, start, service)
    detected = start + dt.timedelta(minutes=rng.randint(1, 10))
    mitigated = min(end, detected + dt.timedelta(minutes=rng.randint(5, 90)))
    tags = rng.sample(TAGS, k=rng.randint(1, 4))
    services = rng.sample(SERVICES, k=rng.randint(1, 3))
    related = f"[{rng.choice(earlier)}]" if earlier and rng.random() < 0.2 else "[]"
    # Drawn in the order the lines are written, so the corpus stays what it was.
    severity, status = rng.choice(SEVERITIES), rng.choice(STATUSES)
    authors = rng.sample(PEOPLE, k=rng.randint(1, 3))
    # A published (or closed) postmortem has passed review: approvals by people who did not write it
    # (two for the top severity, as the default review rules ask); no random draw.
    approvers = [person for person in PEOPLE if person not in authors][: 2 if severity == SEVERITIES[0] else 1]
    approvals = [f"  - {{by: {person}, date: {(date + dt.timedelta(days=7)).isoformat()}}}" for person in approvers]
    bodies = {
        "Summary": f"{subject.capitalize()} {failure} for {rng.randint(5, 240)} minutes because of {cause}.\n\n"
                   + _paragraphs(rng, 1),
        "Impact": f"- About {rng.randint(1, 60)}% of requests to `{service}` failed.\n"
                  f"- Roughly {rng.randint(100, 90000):,} users saw errors.\n\n" + _paragraphs(rng, 1),
        "Timeline": timeline,
        "Root cause": f"The root cause was {cause}.\n\n" + _paragraphs(rng, 4),
        "Trigger": _paragraphs(rng, 1),
        "Detection": _paragraphs(rng, 3),
        "Resolution": _paragraphs(rng, 3),
        "Action items": (actions := _actions(rng, date, service))[0],  # drawn in section order
        "Lessons learned": "### What went well\n\n" + _paragraphs(rng, 1) + "\n\n### What went wrong\n\n"
                           + _paragraphs(rng, 2) + "\n\n### Where we got lucky\n\n" + _paragraphs(rng, 1),
    }
    # Once every action item is done or wontfix a published postmortem is closed, as review asks.
    if status == "published" and all(item in ("done", "wontfix") for item in actions[1]):
        status = "closed"
    front = "\n".join([
        "---",
        f'title: "{title}"',
        f"date: {date.isoformat()}",
        f"severity: {severity}",
        f"status: {status}",
        f"authors: [{', '.join(authors)}]",
        *(["approvals:", *approvals] if status in ("published", "closed") else []),
        f"tags: [{', '.join(tags)}]",
        f"services: [{', '.join(services)}]",
        f"started_at: {start.isoformat()}",
        f"detected_at: {detected.isoformat()}",
        f"mitigated_at: {mitigated.isoformat()}",
        f"resolved_at: {end.isoformat()}",
        f'summary: "{subject.capitalize()} {failure} because of {cause}."',
        f"related: {related}",
        "---",
    ])
    body = "\n\n".join(f"## {name}\n\n{bodies[name]}" for name in SECTION_ORDER)
    return f"{date.isoformat()}-{slug}.md", f"{front}\n\n{body}\n"


def _break(rng: random.Random, text: str) -> bytes:
    """One of the faults real knowledge bases contain."""
    fault = rng.randrange(6)
    if fault == 0:  # unclosed flow sequence: invalid YAML
        return text.replace("tags: [", "tags: [unclosed, ", 1).replace("]\nservices", "\nservices", 1).encode()
    if fault == 1:  # wrong types: a string for a list, a number for a date
        return text.replace("tags: [", "tags: just-a-string #[", 1).replace("date: ", "date: 12 #", 1).encode()
    if fault == 2:  # a timeline with no times and a table with missing cells
        return text.replace("| Time | Event |", "| Event |", 1).replace("| OPS-", "|", 1).encode()
    if fault == 3:  # required sections missing
        return text.replace("## Root cause", "## Musings").replace("## Impact", "## Effects").encode()
    if fault == 4:  # not UTF-8
        return text.encode("utf-8").replace(b"## Detection", b"## Detection \xff\xfe", 1)
    return text.split("\n---\n", 1)[0].encode()  # front matter never closed


def generate(folder: Path, n: int, seed: int = 7, broken_ratio: float = 0.0) -> list[Path]:
    """Write `n` postmortems into `folder` (created if needed); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths: list[Path] = []
    ids: list[str] = []
    for index in range(n):
        name, text = render_postmortem(rng, index, ids[-50:])
        ids.append(name[:-3])
        data = _break(rng, text) if rng.random() < broken_ratio else text.encode("utf-8")
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    args = parser.parse_args()
    paths = generate(args.folder, args.count, args.seed, args.broken_ratio)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} postmortems, {size / len(paths) / 1024:.1f} KB each on average, to {args.folder}")


if __name__ == "__main__":
    main()
