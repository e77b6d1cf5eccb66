"""What the public version of a postmortem must not show: people, addresses, internal hosts.

`find_redactions(text, people, config)` returns every span of `text` to
replace and what to replace it with. Emails and IP addresses come from the
detectors lint's `personal-data` rule uses (`lint.rules_publishing`), so lint
and publish agree on what an address is; names and hostnames are decided
here:

- People: the names the postmortem itself gives (authors, reviewers,
  approvers, the incident commander, action item owners), matched as whole
  words in any case, and the first word of a name of several words (`Wei
  Zhang`, then `Wei`) as written; and any `@handle`. Names and handles of
  roles and teams (`sre-team`, `@oncall`) are not people and stay.
- Addresses: personal email addresses (not documentation domains, the
  config's `allowed_email_domains` or role addresses such as `support@`);
  private IPv4 and IPv6 addresses (10/8, 172.16/12, 192.168/16, fc00::/7) and
  their networks; public addresses (a customer's, perhaps). Loopback and
  documentation addresses stay.
- Internal hosts: a name that ends in a suffix meant for internal use
  (`.internal`, `.corp`, `.local`, `.lan`, `.intranet`, `.localdomain`,
  `.home.arpa`, `.private`, `.intra`), or one with an environment label
  before its last label (`api.prod.acme.io`, `kv.staging.acme.com`). A link to
  such a host goes whole: a bare URL becomes `[internal link]`, a markdown
  link keeps its text. Other public names (`status.github.com`) stay: a
  public version may name a vendor.

Code is redacted too (a log line is published as readily as prose), except
that an `@word` in code is a decorator or an annotation, not a handle.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from postmortem_kb.config import KBConfig
from postmortem_kb.lint.rules_publishing import (
    ipv4_addresses,
    ipv6_addresses,
    is_role_address,
    personal_emails,
)
from postmortem_kb.lint.textscan import code_spans, in_spans
from postmortem_kb.model import Postmortem

NAME = "[name]"
EMAIL = "[email]"
INTERNAL_ADDRESS = "[internal address]"
IP_ADDRESS = "[IP address]"
INTERNAL_HOST = "[internal host]"
INTERNAL_LINK = "[internal link]"

INTERNAL_SUFFIXES = ("internal", "corp", "local", "lan", "intranet", "localdomain", "home.arpa", "private", "intra")
ENVIRONMENT_LABELS = frozenset({"prod", "production", "staging", "stage", "stg", "dev", "qa", "uat", "preprod",
                                "internal", "corp", "intranet", "svc", "cluster", "vpc", "mgmt"})
# A last label that is a file's extension makes a file name, not a host (`values.prod.yaml`).
FILE_EXTENSIONS = frozenset({"yaml", "yml", "json", "md", "txt", "log", "conf", "cfg", "ini", "sh", "py", "js",
                             "ts", "go", "rb", "java", "xml", "html", "csv", "tf", "toml", "lock", "sql", "env",
                             "tfvars", "properties", "pem", "crt", "key", "gz", "zip", "tar", "jar", "war"})
_DOCUMENTATION = ("example.com", "example.org", "example.net", ".example", ".test", ".invalid")
SLACK_MENTIONS = frozenset({"here", "channel", "everyone"})
# Front matter keys that name people (approvals' `by` and action item owners are read too).
PEOPLE_FIELDS = ("authors", "reviewers", "incident_commander", "owner", "owners")

_HOST = re.compile(
    r"(?<![\w@.-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62})(?![\w-]|\.[A-Za-z0-9])")
_URL = re.compile(r"\b(?:https?|ftp|wss?)://([^\s/?#<>()\[\]`'\"|]+)[^\s<>()\[\]`'\"|]*")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_HANDLE = re.compile(r"(?<![\w@./-])@([A-Za-z0-9][\w.-]*[A-Za-z0-9_]|[A-Za-z0-9])")


@dataclass(frozen=True)
class Redaction:
    start: int
    end: int
    kind: str  # "name", "email", "private address", "IP address", "internal host", "internal link"
    original: str
    replacement: str


# -- hosts ----------------------------------------------------------------------------------------


def is_internal_host(host: str) -> bool:
    """Whether a host name looks internal by the rules of the module's docstring."""
    host = host.lower().rstrip(".")
    if ":" in host:
        host = host.split(":", 1)[0]  # a port
    if host.endswith(_DOCUMENTATION) or "." not in host:
        return False
    labels = host.split(".")
    if any(host == suffix or host.endswith("." + suffix) for suffix in INTERNAL_SUFFIXES):
        return labels[-1] not in FILE_EXTENSIONS
    last = labels[-1]
    if last in FILE_EXTENSIONS or not last.isalpha():
        return False
    return any(label in ENVIRONMENT_LABELS for label in labels[:-1])


# -- people -------------------------------------------------------------------------------------------


def people_of(pm: Postmortem) -> list[str]:
    """The people a postmortem names in its front matter and action items (roles and teams left out)."""
    names: list[str] = []
    for key in PEOPLE_FIELDS:
        names.extend(pm.list_field(key))
    approvals = pm.meta.get("approvals")
    if isinstance(approvals, list):
        names.extend(str(a["by"]) for a in approvals if isinstance(a, dict) and a.get("by"))
    names.extend(item.owner for item in pm.actions if item.owner)
    found: list[str] = []
    for raw in names:
        for name in re.split(r"\s*(?:,|/|&|\band\b)\s*", raw):
            name = " ".join(name.strip().lstrip("@").split())
            if len(name) >= 2 and not is_role_address(name.replace(" ", "-")) and name not in found:
                found.append(name)
    return found


def _name_patterns(people: Iterable[str]) -> list[re.Pattern[str]]:
    patterns = []
    for name in sorted(people, key=len, reverse=True):
        words = name.split()
        whole = r"\s+".join(map(re.escape, words))
        patterns.append(re.compile(r"(?<![\w@.-])@?" + whole + r"(?![\w-]|@)", re.IGNORECASE))
        if len(words) > 1 and len(words[0]) >= 3:
            # The first name alone, as written (`Wei`), not the word in another case (`will`).
            patterns.append(re.compile(r"(?<![\w@.-])" + re.escape(words[0]) + r"(?![\w-]|@)"))
    return patterns


# -- every redaction -------------------------------------------------------------------------------------


def _ip_redactions(text: str) -> Iterator[Redaction]:
    for found in (ipv4_addresses(text), ipv6_addresses(text)):
        for match, ip, network in found:
            end = match.end(1)
            if network:
                prefix = re.match(r"/\d{1,3}", text[end:])
                end += prefix.end() if prefix else 0
            if ip.is_private and not (ip.is_loopback or ip.is_link_local or _documentation(ip)):
                yield Redaction(match.start(1), end, "private address", text[match.start(1):end], INTERNAL_ADDRESS)
            elif ip.is_global and not network:
                # A public network (52.0.0.0/16) names a provider's range, not a person.
                yield Redaction(match.start(1), end, "IP address", text[match.start(1):end], IP_ADDRESS)


_DOCUMENTATION_NETWORKS = tuple(ipaddress.ip_network(block) for block in
                                ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))


def _documentation(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """RFC 5737 and RFC 3849 ranges: examples, never a real machine."""
    return any(ip.version == network.version and ip in network for network in _DOCUMENTATION_NETWORKS)


def _link_redactions(text: str, people: list[str], config: KBConfig) -> list[Redaction]:
    """Links to internal hosts: a markdown link becomes its text (itself redacted), a bare URL a placeholder."""
    found: list[Redaction] = []
    covered: list[tuple[int, int]] = []
    for match in _MARKDOWN_LINK.finditer(text):
        url = _URL.match(match.group(2))
        if url and is_internal_host(url.group(1).rsplit("@", 1)[-1]):
            label = match.group(1)
            shown = apply(label, find_redactions(label, people, config)) or INTERNAL_LINK
            found.append(Redaction(match.start(), match.end(), "internal link", match.group(0), shown))
            covered.append(match.span())
    covered.sort()
    for match in _URL.finditer(text):
        if not in_spans(match.start(), covered) and is_internal_host(match.group(1).rsplit("@", 1)[-1]):
            # A full stop or comma after a URL ends the sentence, not the URL.
            url = match.group(0).rstrip(".,;:!?")
            found.append(Redaction(match.start(), match.start() + len(url), "internal link", url, INTERNAL_LINK))
    return found


def find_redactions(text: str, people: Iterable[str], config: KBConfig) -> list[Redaction]:
    """Every span of `text` the public version replaces, sorted, none overlapping."""
    people = list(people)
    candidates = _link_redactions(text, people, config)
    for match in personal_emails(text, config.allowed_email_domains):
        candidates.append(Redaction(match.start(), match.end(), "email", match.group(0), EMAIL))
    candidates.extend(_ip_redactions(text))
    for match in _HOST.finditer(text):
        if is_internal_host(match.group(1)):
            candidates.append(Redaction(match.start(1), match.end(1), "internal host", match.group(1), INTERNAL_HOST))
    for pattern in _name_patterns(people):
        for match in pattern.finditer(text):
            candidates.append(Redaction(match.start(), match.end(), "name", match.group(0), NAME))
    code = code_spans(text)
    for match in _HANDLE.finditer(text):
        handle = match.group(1)
        if handle.lower() in SLACK_MENTIONS or is_role_address(handle) or in_spans(match.start(), code):
            continue
        candidates.append(Redaction(match.start(), match.end(), "name", match.group(0), NAME))
    return _without_overlaps(candidates)


def _without_overlaps(candidates: list[Redaction]) -> list[Redaction]:
    # The earliest start wins, and of two starting together the longer (a
    # link before the host in it, an email before its domain, a full name
    # before its first word).
    chosen: list[Redaction] = []
    for candidate in sorted(candidates, key=lambda r: (r.start, -(r.end - r.start))):
        if chosen and candidate.start < chosen[-1].end:
            continue
        chosen.append(candidate)
    return chosen


def apply(text: str, redactions: list[Redaction]) -> str:
    """`text` with each redaction's span replaced (they are sorted and do not overlap)."""
    out: list[str] = []
    at = 0
    for redaction in redactions:
        out.append(text[at:redaction.start])
        out.append(redaction.replacement)
        at = redaction.end
    out.append(text[at:])
    return "".join(out)
