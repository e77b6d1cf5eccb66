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
from postmortem_kb.lint.textscan import PhraseFinder, long_token_line_indexes, may_hold_ipv4
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
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    classes = {cls.__name__: cls for cls in get_mapping_from_secret_type_to_class().values()}
    return [classes[name]() for name in SECRET_DETECTORS if name in classes]


# Every secret the detectors know is, or sits on the line after, a run of
# at least 20 characters without a space (keys, tokens, URLs with a
# password, base64 key bodies). Prose rarely has one, so the detectors run
# only on the lines that do.
LONG_TOKEN = 20  # an AWS access key id, the shortest, is 20


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


def find_secrets(text: str, detectors: list) -> Iterator[tuple[int, str]]:
    """(offset, kind) of each secret in `text`.

    Each detector's patterns run over the candidate lines; a match is then
    confirmed by the detector itself, which applies its own extra checks
    (a JWT must decode, for one).
    """
    for start, end in _candidate_spans(text):
        chunk = text[start:end]
        for detector in detectors:
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
    one per value; a finding points at the value's key), then the body."""

    def build() -> list[_ScanText]:
        facts = ctx.facts(pm)
        keys, values = [], []
        for key, value in facts.meta_strings():
            if key in TIMESTAMP_FIELDS:
                continue  # a valid date cannot hide a secret, an address or a word
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
    detectors = ctx.once("secret-detectors", _secret_detectors)
    for scan in _texts(pm, ctx):
        for offset, kind in find_secrets(scan.text, detectors):
            line, column = scan.locate(offset)
            yield Hit(line, f"this looks like a secret ({kind}); remove it, rotate it, and refer to it by name "
                            "(e.g. 'the deploy token')", column)


def _allowed_email(domain: str, ctx: LintContext) -> bool:
    domain = domain.lower()
    allowed = [d.lower() for d in ctx.config["allowed_email_domains"]]
    return (
        domain in _EXAMPLE_DOMAINS
        or domain.endswith(_EXAMPLE_TLDS)
        or any(domain == d or domain.endswith("." + d) for d in allowed)
    )


def _is_personal_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    # Private, loopback and documentation ranges (192.0.2.0/24 ...) point
    # at no person; a global address may be a customer's.
    return ip.is_global


@rule("personal-data", WARNING, "No personal data: email addresses and public IP addresses.")
def personal_data(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for scan in _texts(pm, ctx):
        text = scan.text
        if "@" in text:
            for match in _EMAIL.finditer(text):
                if not _allowed_email(match.group("domain"), ctx):
                    line, column = scan.locate(match.start())
                    yield Hit(line, f"email address `{match.group(0)}`: personal data; name the role or team "
                                    "instead (or allow the domain in `allowed_email_domains`)", column)
        if not may_hold_ipv4(text):
            continue
        for match in _IPV4.finditer(text):
            # A CIDR block (52.0.0.0/16) names a network, not a person.
            if text.startswith("/", match.end()) or not _is_personal_ip(match.group(1)):
                continue
            line, column = scan.locate(match.start())
            yield Hit(line, f"public IP address `{match.group(1)}` may identify a person; "
                            "mask it (e.g. 203.0.113.x) or describe it ('a customer's address')", column)


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _comment_spans(text: str) -> list[tuple[int, int]]:
    # HTML comments never reach a reader (template hints, lint directives
    # such as `disable blame-language`), so wording in them is not judged.
    if "<!--" not in text:
        return []
    return [m.span() for m in _COMMENT.finditer(text)]


@rule("blame-language", WARNING, "Blameless wording: no 'human error', 'forgot', 'careless', 'should have'.")
def blame_language(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    words = ctx.config["blame_words"]
    finder = ctx.once("blame-finder", lambda: PhraseFinder(list(words), ignore_case=True))
    for scan in _texts(pm, ctx):
        hidden = _comment_spans(scan.text)
        for start, end, phrase in finder.find(scan.text):
            if any(a <= start < b for a, b in hidden):
                continue
            line, column = scan.locate(start)
            yield Hit(line, f"'{scan.text[start:end]}' assigns blame; {words[phrase]}", column)
