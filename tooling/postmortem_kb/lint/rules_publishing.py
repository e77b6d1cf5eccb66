"""Safe-publishing rules: no secrets, no personal data, no blame.

A postmortem is read widely and kept forever, so what must not be in it is
checked here. Secrets are found by detect-secrets' own detectors (the
high-signal ones: cloud keys, private keys, service tokens); its entropy and
keyword detectors are left out because prose and hashes set them off.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Iterable, Iterator

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.lint.textscan import (
    LONG_TOKEN,
    PhraseFinder,
    code_spans,
    comment_spans,
    in_spans,
    joined_to_word,
    long_token_line_indexes,
    may_hold_ipv4,
    word_before,
    words_after,
)
from postmortem_kb.model import ERROR, WARNING, Postmortem
from postmortem_kb.schema import DATETIME_FIELDS

# detect-secrets detectors used, by class name. Left out: the entropy and
# keyword detectors (noisy on prose), IBM/Cloudant/SoftLayer/Artifactory
# (keyword-anchored, and together the slowest), IPPublic (its pattern
# misses an address that ends a sentence; personal-data below reports
# addresses, as a warning, using the standard library's `ipaddress`).
SECRET_DETECTORS = (
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "JwtTokenDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)

TIMESTAMP_FIELDS = frozenset({"date", *DATETIME_FIELDS})
# Four dotted numbers not inside a longer dotted run (a version 1.2.3.4.5);
# `ipaddress` then decides whether it is an address and whether it is public.
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?!\.?\d)(?!\w)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w-])")
# Reserved for documentation (RFC 2606, RFC 6761): never a real person.
_EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
_EXAMPLE_TLDS = (".example", ".test", ".invalid", ".localhost")


def _secret_detectors() -> list:
    from postmortem_kb.lint.offline_detectors import import_offline

    def detector_classes() -> dict:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

        return {cls.__name__: cls for cls in get_mapping_from_secret_type_to_class().values()}

    classes = import_offline(detector_classes)
    return [classes[name]() for name in SECRET_DETECTORS if name in classes]


# Every secret the detectors know is, or sits on the line after, a run of
# at least LONG_TOKEN characters without a space (keys, tokens, URLs with a
# password, base64 key bodies). Prose rarely has one, so the detectors run
# only on the lines that do.


def _candidate_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the runs of lines worth handing to the detectors."""
    indexes = long_token_line_indexes(text, LONG_TOKEN)
    if not indexes:
        return []
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans: list[tuple[int, int]] = []
    for index in indexes:
        # From the line before: a private key's BEGIN line precedes its body.
        begin, end = starts[max(0, index - 1)], starts[index + 1] - 1
        if spans and begin <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((begin, end))
    return spans


def find_secrets(text: str, detectors: Callable[[], list]) -> Iterator[tuple[int, str]]:
    """(offset, kind) of each secret in `text`.

    Each detector's patterns run over the candidate lines; a match is then
    confirmed by the detector itself, which applies its own extra checks
    (a JWT must decode, for one). `detectors` makes (or recalls) them; it
    is called only for a text with a candidate line, so a run over prose
    alone never imports detect-secrets (nor `requests`, which it imports).
    """
    spans = _candidate_spans(text)
    made = detectors() if spans else []
    for start, end in spans:
        chunk = text[start:end]
        for detector in made:
            for pattern in detector.denylist:
                for match in pattern.finditer(chunk):
                    if any(True for _ in detector.analyze_string(match.group(0))):
                        yield start + match.start(), detector.secret_type


class _ScanText:
    """A text to scan and how to turn an offset in it into a file position."""

    def __init__(self, text: str, locate: Callable[[int], tuple[int, int]]):
        self.text = text
        self.locate = locate


def _texts(pm: Postmortem, ctx: LintContext) -> list[_ScanText]:
    """The front matter's strings joined one per line (one scan instead of
    one per value; a finding points at the value's key), then the body.

    Left out: valid dates, which cannot hide a secret, an address or a
    word, and `related:` ids that name a postmortem of the knowledge base:
    such an id is that file's name, not text written here (and an id is
    long enough to send a scan to the secret detectors for nothing).
    """

    def build() -> list[_ScanText]:
        facts = ctx.facts(pm)
        keys, values = [], []
        for key, value in facts.meta_strings():
            if key in TIMESTAMP_FIELDS or (key == "related" and value in ctx.known_ids):
                continue
            keys.append(key)
            values.append(value.replace("\n", " "))
        joined = "\n".join(values)

        def in_front_matter(offset: int) -> tuple[int, int]:
            return facts.key_line(keys[joined.count("\n", 0, offset)]), 1

        texts = [_ScanText(joined, in_front_matter)] if values else []
        texts.append(_ScanText(pm.body, facts.position))
        return texts

    return ctx.facts(pm).memo("publishing-texts", build)


@rule("secret", ERROR, "No secrets: cloud keys, private keys, API tokens, passwords in URLs.")
def secrets(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    from postmortem_kb.lint.secrets import find_extra_secrets

    def detectors() -> list:
        return ctx.once("secret-detectors", _secret_detectors)

    for scan in _texts(pm, ctx):
        # detect-secrets names the kind when it knows it; the extra finders
        # report only what it left unreported on that line.
        hits = {scan.locate(offset): kind for offset, kind in find_secrets(scan.text, detectors)}
        covered = {line for line, _ in hits}
        for offset, kind in find_extra_secrets(scan.text):
            line, column = scan.locate(offset)
            if line not in covered:
                hits.setdefault((line, column), kind)
        for (line, column), kind in sorted(hits.items()):
            yield Hit(line, f"this looks like a secret ({kind}); remove it, rotate it, and refer to it by name "
                            "(e.g. 'the deploy token')", column)


def allowed_email_domain(domain: str, allowed_domains: Iterable[str]) -> bool:
    """Whether addresses at `domain` are not personal data: documentation domains and the team's own."""
    domain = domain.lower()
    allowed = [d.lower() for d in allowed_domains]
    return (
        domain in _EXAMPLE_DOMAINS
        or domain.endswith(_EXAMPLE_TLDS)
        or any(domain == d or domain.endswith("." + d) for d in allowed)
    )


def _allowed_email(domain: str, ctx: LintContext) -> bool:
    return allowed_email_domain(domain, ctx.config.allowed_email_domains)


# Role and group addresses reach a function, not a person: RFC 2142's
# mailbox names, the usual team aliases, and lists named for a group
# (`team-db@`, `db-alerts@`, `all-staff@`, `eng-platform@`). A plus
# sub-address is ignored (`jane+alerts@` is still Jane).
_ROLE_MAILBOXES = frozenset({
    "abuse", "noreply", "no-reply", "donotreply", "do-not-reply", "postmaster", "hostmaster", "webmaster",
    "mailer-daemon", "security", "support", "oncall", "on-call", "admin", "administrator", "admins", "root",
    "info", "sre", "ops", "devops", "noc", "soc", "help", "helpdesk", "servicedesk", "contact", "hello",
    "sales", "billing", "privacy", "legal", "press", "compliance", "dpo", "alerts", "notifications",
    "incidents", "status", "team", "engineering", "platform", "infra", "it",
})
_GROUP_PREFIXES = frozenset({"team", "all", "eng", "engineering", "dl", "grp", "group", "list", "ops", "sre",
                             "oncall", "security", "support", "noreply"})
_GROUP_SUFFIXES = frozenset({"team", "teams", "alerts", "alert", "oncall", "notifications", "notify", "incidents",
                             "staff", "all", "list", "group", "ops", "sre", "devops", "security", "support",
                             "admins", "noreply", "bot", "announce", "eng", "engineering"})


def is_role_address(local_part: str) -> bool:
    """Whether an address's local part names a role or a group, not a person."""
    local = local_part.lower().split("+", 1)[0]
    if local in _ROLE_MAILBOXES:
        return True
    tokens = [t for t in re.split(r"[._-]", local) if t]
    if len(tokens) < 2:
        return False
    return tokens[0] in _GROUP_PREFIXES or tokens[-1] in _GROUP_SUFFIXES


def _is_personal_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    # Private, loopback and documentation ranges (192.0.2.0/24 ...) point
    # at no person; a global address may be a customer's.
    return ip.is_global


# The detectors below are shared with the public version (`postmortem
# publish`), which redacts what this file's rules report: one set of
# detectors, so lint and publish never disagree about what an address is.


def personal_emails(text: str, allowed_domains: Iterable[str]) -> Iterator[re.Match[str]]:
    """Each email address of a person in `text`: not a documentation or allowed domain, not a role address."""
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        local = match.group(0).split("@", 1)[0]
        if not (allowed_email_domain(match.group("domain"), allowed_domains) or is_role_address(local)):
            yield match


def ipv4_addresses(text: str) -> Iterator[tuple[re.Match[str], ipaddress.IPv4Address, bool]]:
    """(match, address, followed by a /prefix) for each IPv4 address in `text`."""
    if not may_hold_ipv4(text):
        return
    for match in _IPV4.finditer(text):
        try:
            ip = ipaddress.IPv4Address(match.group(1))
        except ValueError:
            continue
        yield match, ip, text.startswith("/", match.end())


# Hex groups and colons with at least two colons (`fd00::1`, `2001:db8:0:0:0:0:0:1`);
# `ipaddress` decides whether a candidate is an address (a time like 10:04:05 is not).
_IPV6 = re.compile(r"(?<![\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:])")


def ipv6_addresses(text: str) -> Iterator[tuple[re.Match[str], ipaddress.IPv6Address, bool]]:
    """(match, address, followed by a /prefix) for each IPv6 address in `text`."""
    if "::" not in text and text.count(":") < 7:
        return
    for match in _IPV6.finditer(text):
        try:
            ip = ipaddress.IPv6Address(match.group(1))
        except ValueError:
            continue
        yield match, ip, text.startswith("/", match.end())


@rule("personal-data", WARNING, "No personal data: email addresses and public IP addresses.")
def personal_data(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for scan in _texts(pm, ctx):
        text = scan.text
        # A template's `<!-- hint: ... -->` is the template's words, not the
        # author's; other comments are still published in the page source.
        hints = comment_spans(text, hints_only=True)
        for match in personal_emails(text, ctx.config.allowed_email_domains):
            if in_spans(match.start(), hints):
                continue
            line, column = scan.locate(match.start())
            yield Hit(line, f"email address `{match.group(0)}`: personal data; name the role or team "
                            "instead (or allow the domain in `allowed_email_domains`)", column)
        for match, ip, network in ipv4_addresses(text):
            # A CIDR block (52.0.0.0/16) names a network, not a person.
            if network or not ip.is_global:
                continue
            if in_spans(match.start(), hints):
                continue
            line, column = scan.locate(match.start())
            yield Hit(line, f"public IP address `{match.group(1)}` may identify a person; "
                            "mask it (e.g. 203.0.113.x) or describe it ('a customer's address')", column)


# -- blame ------------------------------------------------------------------
# A blame word is judged by the words around it; the rules, each a reading
# of how the word is used in incident write-ups:
#
# - A hyphenated compound or an identifier is a different word: `lazy-loaded`,
#   `blame-free`, `React.lazy(`.
# - Code (fenced blocks, inline spans) and HTML comments are not prose that
#   reaches a reader: template hints and lint directives live there.
# - `should have` is blame only as a counterfactual about someone's act:
#   `should have` + past participle (`you should have checked`, `the operator
#   should have known`). Followed by `been` + participle it is passive and
#   about what a system or process did not get (`should have been caught by
#   the test`, `should have been automatically corrected`); followed by a
#   noun or determiner it is a recommendation to possess something (`each
#   repository should have clear rules`, `workloads should have priority`).
#   `should have been` + a state (`more careful`, `aware`) is blame when a
#   person is the subject (`we`, `you`, `the engineer`), not when a thing is
#   (`the limit should have been higher`).
# - `lazy` followed by a technical noun is the programming term (`lazy
#   loading`, `lazy evaluation`); `git blame` is a command; a `forgotten
#   password` is a feature.

_PARTICIPLES = frozenset("""
    been known seen done gone taken given written caught thought told brought bought found kept left made meant
    paid put read run said sent set spent stood understood held heard got gotten let lost led built begun chosen
    drawn driven fallen felt flown forgotten frozen hidden hit hurt laid shown shut spoken stolen struck taught
    thrown woken won withdrawn become come rung undone rebuilt rerun reset redone overseen overlooked foreseen
    split spread cut quit shed slept fed fought meant sought dealt upheld
""".split())
# Participles that also qualify a noun: `should have automated tests` is a
# recommendation unless a determiner follows (`automated the check`).
_ATTRIBUTIVE = frozenset("""
    automated dedicated limited detailed advanced centralized centralised isolated separated improved updated
    enhanced standardized standardised structured integrated managed shared distributed scheduled restricted
    extended increased reduced elevated defined established documented versioned pinned tested reviewed
    monitored encrypted signed
""".split())
_DETERMINERS = frozenset("the a an this that these those it its our their his her my your them him us me some "
                         "all any every each".split())
_PERSON_SUBJECTS = frozenset("i you he she we they someone somebody everyone nobody engineer engineers operator "
                             "operators developer developers admin administrator oncall on-call reviewer "
                             "reviewers team".split())
_MODIFIERS = frozenset("more better also still even already really certainly probably definitely clearly "
                       "much far just".split())
_LAZY_TERMS = frozenset("""
    load loads loaded loading loader evaluation evaluated eval evaluate initialization initialisation initialized
    initialised init instantiation instantiated import imports imported importing fetch fetched fetching
    hydration binding bindings val var property properties static sequence sequences list iterator iterators
    mount mounted mounting compile compilation connection connections computed computation parsing rendering
    render rendered route routes module modules component components attribute attributes value values
    singleton proxy collection collections query queries stream streams allocation
""".split())


def _is_participle(word: str) -> bool:
    return word in _PARTICIPLES or (len(word) > 3 and word.endswith("ed"))


def _skip_modifiers(words: list[str]) -> list[str]:
    at = 0
    while at < len(words) and (words[at] in _MODIFIERS or (len(words[at]) > 4 and words[at].endswith("ly"))):
        at += 1
    return words[at:]


def _counterfactual_about_someone(text: str, start: int, end: int) -> bool:
    following = _skip_modifiers(words_after(text, end, 6))
    if not following:
        return False  # "as it should have." / "what it should have": no act named
    first, rest = following[0], following[1:]
    if first == "been":
        state = _skip_modifiers(rest)
        if state and _is_participle(state[0]):
            return False
        return word_before(text, start) in _PERSON_SUBJECTS
    if not _is_participle(first):
        return False
    return not (first in _ATTRIBUTIVE and (not rest or rest[0] not in _DETERMINERS))


def is_blame(text: str, start: int, end: int, phrase: str) -> bool:
    """Whether the blame phrase found at text[start:end] is used as blame."""
    if joined_to_word(text, start, end):
        return False
    key = phrase.lower().replace("’", "'")
    if key in ("should have", "should've"):
        return _counterfactual_about_someone(text, start, end)
    if key == "lazy":
        following = words_after(text, end, 1)
        return not (following and following[0] in _LAZY_TERMS)
    if key == "blame":
        return word_before(text, start) != "git"
    if key in ("forgot", "forgotten"):
        following = words_after(text, end, 1)
        return not (following and following[0] in ("password", "passwords"))
    return True


@rule("blame-language", WARNING, "Blameless wording: no 'human error', 'forgot', 'careless', 'should have'.")
def blame_language(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    words = ctx.config.blame_words
    finder = ctx.once("blame-finder", lambda: PhraseFinder(list(words), ignore_case=True))
    for scan in _texts(pm, ctx):
        text = scan.text
        for start, end, phrase in find_blame(text, finder):
            line, column = scan.locate(start)
            yield Hit(line, f"'{text[start:end]}' assigns blame; {words[phrase]}", column)


def find_blame(text: str, finder: PhraseFinder) -> Iterator[tuple[int, int, str]]:
    """(start, end, configured phrase) of each blame phrase used as blame in prose (not in code or comments)."""
    hidden: list[tuple[int, int]] | None = None  # built on the first hit only
    for start, end, phrase in finder.find(text):
        if not is_blame(text, start, end, phrase):
            continue
        if hidden is None:
            hidden = sorted(comment_spans(text) + code_spans(text))
        if any(a <= start < b for a, b in hidden):
            continue
        yield start, end, phrase
