"""Section headings by meaning: `Issue Summary` is the Summary, `Root Cause
Analysis` the Root cause, `How are we preventing it from happening again?`
the Action items.

The loader tries the config's aliases first (exact, after normalising); this
module is the fallback that reads the words. It knows the built-in section
names only; a team's own sections are matched through its aliases.

How a heading is read (each step is a rule of thumb of English headings):

1. Markup and numbering go (`**`, links, `{#id}`, `1.`, `IV.`), and so does a
   remark: `(all times PST)`, or the text after ` - ` / ` — ` / `: `.
2. The words are lower-cased and stemmed (`causes` -> `cause`, `learnt` ->
   `learn`), and known phrases become one concept (`went wrong`, `follow up`,
   `next step`, `sequence of events`, `tl;dr`).
3. A heading that is about what went well or where we got lucky is none of
   the sections, whatever else it says.
4. A question or clause (`What caused it`, `How we found out`, `Who was
   affected`) is decided by its first concept word: the verb carries the
   meaning, the object after it does not (`What caused the impact` is a
   cause).
5. A noun phrase is decided by its head noun, the last word before a
   preposition: `Customer impact`, `Incident summary`, `Impact on timeline`
   are Impact, Summary, Impact. Modifiers count when the head means nothing
   (`Root cause analysis`, `Prevention measures`, `Remediation items` ->
   `items` wins over `remediation`).
6. In `A of B`, a head that only frames its complement (`summary`,
   `overview`, `scope`, `description`, `details`) yields to it: `Summary of
   actions` is Action items, `Scope of impact` is Impact, while `Timeline of
   events` stays Timeline. A head without meaning (`Time to detection`) also
   yields.
7. Between coordinated parts (`Resolution and recovery`, `Detection and
   response`), the first part that means something decides.
8. Weak words (`events`, `why`, `steps`, `plan`) decide only when nothing
   stronger is in the heading: `Mitigation steps` is Resolution, `Events` is
   Timeline.
"""

from __future__ import annotations

import re
from functools import lru_cache

from postmortem_kb.markdown_text import link_labels

SUMMARY = "Summary"
IMPACT = "Impact"
TIMELINE = "Timeline"
ROOT_CAUSE = "Root cause"
TRIGGER = "Trigger"
DETECTION = "Detection"
RESOLUTION = "Resolution"
ACTION_ITEMS = "Action items"
LESSONS = "Lessons learned"

CANONICAL_SECTIONS = (SUMMARY, IMPACT, TIMELINE, ROOT_CAUSE, TRIGGER, DETECTION, RESOLUTION, ACTION_ITEMS, LESSONS)

# Irregular forms the suffix rules below cannot reach.
_IRREGULAR_STEMS = {
    "learnt": "learn",
    "learned": "learn",
    "learnings": "learn",
    "learning": "learn",
    "preventative": "prevent",
    "preventive": "prevent",
    "prevention": "prevent",
    "preventing": "prevent",
    "prevented": "prevent",
    "corrective": "correct",
    "correction": "correct",
    "remedial": "remediation",
    "remediate": "remediation",
    "remediating": "remediation",
    "remediated": "remediation",
    "mitigate": "mitigation",
    "mitigating": "mitigation",
    "mitigated": "mitigation",
    "resolve": "resolution",
    "resolved": "resolution",
    "resolving": "resolution",
    "recover": "recovery",
    "recovered": "recovery",
    "detected": "detection",
    "detect": "detection",
    "detecting": "detection",
    "discovered": "discovery",
    "discover": "discovery",
    "caused": "cause",
    "causing": "cause",
    "causal": "cause",
    "triggered": "trigger",
    "triggering": "trigger",
    "impacted": "impact",
    "affected": "affect",
    "affecting": "affect",
    "fixed": "fix",
    "fixes": "fix",
    "fixing": "fix",
    "happened": "happen",
    "happening": "happen",
    "analyses": "analysis",
    "followup": "follow-up",
    "followups": "follow-up",
    "ups": "up",
    "todo": "todo",
    "todos": "todo",
    "whys": "why",
    "moving": "move",
    "going": "go",
    "went": "go",
    "got": "get",
    "found": "find",
    "conclusions": "conclusion",
    "concluding": "conclusion",
    "takeaways": "takeaway",
    "measures": "measure",
    "improvements": "improve",
    "improvement": "improve",
    "improving": "improve",
    "improved": "improve",
    "reflections": "reflection",
    "reflecting": "reflection",
}

# Words where a trailing `s` is not a plural.
_NOT_PLURAL = {"dns", "always", "across", "its", "this", "does", "stats", "whats", "news", "hows"}


def _stem(word: str) -> str:
    if word in _IRREGULAR_STEMS:
        return _IRREGULAR_STEMS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    # "-ss", "-is", "-us" end singular nouns (process, analysis, status).
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")) and word not in _NOT_PLURAL:
        stem = word[:-1]
        return _IRREGULAR_STEMS.get(stem, stem)
    return word


# Concept of each stemmed word. Strong words decide; weak words only when
# the heading holds no strong one (rule 8).
_STRONG: dict[str, str] = {
    "summary": SUMMARY, "overview": SUMMARY, "tldr": SUMMARY, "synopsis": SUMMARY, "abstract": SUMMARY,
    "description": SUMMARY, "recap": SUMMARY,
    "impact": IMPACT, "affect": IMPACT,
    "timeline": TIMELINE, "chronology": TIMELINE,
    "cause": ROOT_CAUSE, "rca": ROOT_CAUSE,
    "trigger": TRIGGER,
    "detection": DETECTION, "discovery": DETECTION,
    "resolution": RESOLUTION, "remediation": RESOLUTION, "mitigation": RESOLUTION, "recovery": RESOLUTION,
    "fix": RESOLUTION, "solution": RESOLUTION, "workaround": RESOLUTION, "restoration": RESOLUTION,
    "action": ACTION_ITEMS, "item": ACTION_ITEMS, "task": ACTION_ITEMS, "prevent": ACTION_ITEMS,
    "correct": ACTION_ITEMS, "follow-up": ACTION_ITEMS, "todo": ACTION_ITEMS, "countermeasure": ACTION_ITEMS,
    "capa": ACTION_ITEMS,
    "lesson": LESSONS, "learn": LESSONS, "conclusion": LESSONS, "takeaway": LESSONS, "reflection": LESSONS,
}
_WEAK: dict[str, str] = {
    "event": TIMELINE,
    "why": ROOT_CAUSE, "factor": ROOT_CAUSE,
    "step": ACTION_ITEMS, "plan": ACTION_ITEMS, "improve": ACTION_ITEMS,
}

# Phrases (stemmed words) that mean one concept together; matched longest
# first and replaced by a single concept token.
_PHRASES: dict[tuple[str, ...], str] = {
    ("go", "wrong"): ROOT_CAUSE,
    ("contributing", "factor"): ROOT_CAUSE,
    ("why", "it", "happen"): ROOT_CAUSE,
    ("why", "did", "it", "happen"): ROOT_CAUSE,
    ("root", "cause"): ROOT_CAUSE,
    ("what", "happen"): SUMMARY,
    ("tl", "dr"): SUMMARY,
    ("blast", "radius"): IMPACT,
    ("time", "line"): TIMELINE,
    ("sequence", "of", "event"): TIMELINE,
    ("order", "of", "event"): TIMELINE,
    ("find", "out"): DETECTION,
    ("follow", "up"): ACTION_ITEMS,
    ("next", "step"): ACTION_ITEMS,
    ("whats", "next"): ACTION_ITEMS,
    ("what", "next"): ACTION_ITEMS,
    ("move", "forward"): ACTION_ITEMS,
    ("go", "forward"): ACTION_ITEMS,
    ("future", "work"): ACTION_ITEMS,
    ("to", "do"): ACTION_ITEMS,
    ("what", "we", "are", "doing"): ACTION_ITEMS,
    ("what", "were", "doing"): ACTION_ITEMS,
    ("what", "we", "re", "doing"): ACTION_ITEMS,
}
_PHRASE_LENGTHS = sorted({len(p) for p in _PHRASES}, reverse=True)

# Rule 3: these phrases are retrospective notes, not sections of the format.
_NOT_A_SECTION = {("go", "well"), ("go", "right"), ("get", "lucky"), ("lucky",), ("luck",)}

# Rule 6: heads that frame their complement rather than name a section.
_FRAMING_HEADS = {"summary", "overview", "scope", "description", "detail", "list", "breakdown", "analysis",
                  "recap", "review", "sequence", "order", "time", "number"}
_PREPOSITIONS = {"of", "on", "for", "to", "from", "in", "about", "during", "after", "before", "behind", "with",
                 "by", "into", "at", "over", "per", "across", "against"}
_CONJUNCTIONS = {"and", "or", "plus", "vs", "versus"}
_QUESTION_WORDS = {"what", "how", "why", "who", "when", "where", "which", "whats", "hows"}

_TAG = re.compile(r"<[^>]+>")
_ATTR_LIST = re.compile(r"\{\s*[#.:][^}]*\}\s*$")
_NUMBERING = re.compile(r"^\s*(?:(?:section|part|step)\s+)?(?:\d+(?:\.\d+)*|[ivxlc]+|[a-h])[.):]\s+", re.I)
# A parenthesis glued to a word is part of it ("Measure(s)", "Conclusion(s)");
# a remark stands apart, after a space or at the start.
_REMARK_PAREN = re.compile(r"(?:^|(?<=\s))\(([^()]*)\)")
_REMARK_SEPARATOR = re.compile(r"\s+[-–—]\s+|:\s+")
_GLUED_PLURAL = re.compile(r"(\w)\((e?s)\)", re.I)
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _strip_markup(text: str) -> str:
    text = link_labels(text)
    text = _TAG.sub("", text)
    text = _ATTR_LIST.sub("", text)
    text = text.strip()
    # Emphasis wrapping the whole heading or single words ("**Timeline**").
    text = re.sub(r"(\*\*|__|\*|_|`|~~)(.+?)\1", r"\2", text)
    return text.strip().strip("*_`").strip()


def strip_heading_remark(text: str) -> tuple[str, str | None]:
    """The heading without its remark, and the remark (None when there is none).

    A remark is a parenthetical set apart by a space, `Timeline (all times
    PST)` -> ("Timeline", "all times PST"), or, when there is none, the text
    after a spaced dash or a colon, `Timeline — all times UTC`. Several
    parentheticals are joined with "; ". Markup around the whole heading and
    a trailing colon go too; a heading that is only a remark stays as it is.
    """
    heading = text.strip().rstrip(":").strip()
    for marker in ("**", "__", "*", "_"):
        if len(heading) > 2 * len(marker) and heading.startswith(marker) and heading.endswith(marker):
            heading = heading[len(marker):-len(marker)].strip()
    heading = heading.rstrip(":").strip()
    remarks = [m.group(1).strip() for m in _REMARK_PAREN.finditer(heading) if m.group(1).strip()]
    rest = " ".join(_REMARK_PAREN.sub(" ", heading).split()).rstrip(":").strip()
    if remarks and rest:
        return rest, "; ".join(remarks)
    if remarks:
        return heading, None
    separator = _REMARK_SEPARATOR.search(heading)
    if separator and separator.start() > 0 and heading[separator.end():].strip():
        return heading[:separator.start()].strip(), heading[separator.end():].strip()
    return heading, None


def _raw_words(text: str) -> list[str]:
    """Lower-case words, before stemming."""
    text = _NUMBERING.sub("", _strip_markup(text))
    text, _ = strip_heading_remark(text)
    text = _GLUED_PLURAL.sub(r"\1\2", text)
    text = text.lower().replace("&", " and ").replace("tl;dr", "tldr").replace("’", "'")
    text = text.replace("'", "")  # what's -> whats, we're -> were
    words = []
    for word in _WORD.findall(text):
        if "-" in word and word.replace("-", "") in ("followup", "followups", "todo"):
            word = word.replace("-", "")
        if "-" in word and word not in _STRONG:
            words.extend(word.split("-"))  # "Follow-up" is read as "follow up"
        else:
            words.append(word)
    return words


# Verb forms that are nouns in headings ("Learnings", "Learning from it").
_VERBAL_NOUNS = {"learning", "learnings"}


def _is_verb_form(word: str) -> bool:
    return len(word) > 4 and word.endswith(("ing", "ed")) and word not in _VERBAL_NOUNS


def _concepts(words: list[str], verb_forms: list[bool], sentence: bool) -> list[tuple[str, str | None, bool]]:
    """(word, concept, strong) per token, known phrases merged into one token.

    In a noun phrase a verb form means something only as its first word
    (`Impacted services`, `Preventing recurrence`); further in, it is the
    verb of a title-like sentence (`Ingress change caused outage`, `Rule
    preventing inbound traffic`), which names no section (rule 4 reads
    questions, where verbs do count).
    """
    tokens: list[tuple[str, str | None, bool]] = []
    i = 0
    while i < len(words):
        for length in _PHRASE_LENGTHS:
            phrase = tuple(words[i:i + length])
            if len(phrase) == length and phrase in _PHRASES:
                tokens.append((" ".join(phrase), _PHRASES[phrase], True))
                i += length
                break
        else:
            word = words[i]
            if sentence and i > 0 and verb_forms[i]:
                tokens.append((word, None, False))
            elif word in _STRONG:
                tokens.append((word, _STRONG[word], True))
            else:
                tokens.append((word, _WEAK.get(word), False))
            i += 1
    return tokens


def _has_phrase(words: list[str], phrases: set[tuple[str, ...]]) -> bool:
    return any(tuple(words[i:i + len(p)]) == p for p in phrases for i in range(len(words)))


def _head_concept(part: list[tuple[str, str | None, bool]], strong: bool) -> str | None:
    # Rightmost first: in English noun phrases the head comes last (rule 5).
    for _, concept, is_strong in reversed(part):
        if concept and is_strong == strong:
            return concept
    return None


def _split(tokens: list, separators: set[str]) -> tuple[list, list]:
    for n, (word, _, _) in enumerate(tokens):
        if n and word in separators:
            return tokens[:n], tokens[n + 1:]
    return tokens, []


def _conjuncts(tokens: list) -> list[list]:
    parts: list[list] = [[]]
    for token in tokens:
        if token[0] in _CONJUNCTIONS:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def _noun_phrase_concept(tokens: list, strong: bool) -> str | None:
    head, tail = _split(tokens, _PREPOSITIONS)
    head_concept = None
    for part in _conjuncts(head):  # rule 7
        head_concept = _head_concept(part, strong)
        if head_concept:
            break
    tail_concept = None
    for part in _conjuncts(tail):
        tail_concept = _noun_phrase_concept(part, strong)
        if tail_concept:
            break
    head_word = head[-1][0] if head else ""
    if tail_concept and (head_concept is None or head_word in _FRAMING_HEADS):  # rule 6
        return tail_concept
    return head_concept


def _clause_concept(tokens: list, strong: bool) -> str | None:
    # Rule 4: in a question the first concept (usually the verb) decides.
    for _, concept, is_strong in tokens:
        if concept and is_strong == strong:
            return concept
    return None


@lru_cache(maxsize=4096)
def heading_words(text: str) -> tuple[str, ...]:
    """The heading's words as they are matched: no markup, numbering or
    remark, lower case, stemmed (`Next steps (Q3)` -> ("next", "step"))."""
    return tuple(_stem(word) for word in _raw_words(text))


@lru_cache(maxsize=4096)
def heading_by_words(text: str) -> str | None:
    """The built-in section a heading means (one of CANONICAL_SECTIONS), or None."""
    words = list(heading_words(text))
    if not words or _has_phrase(words, _NOT_A_SECTION):
        return None
    question = words[0] in _QUESTION_WORDS
    verb_forms = [_is_verb_form(word) for word in _raw_words(text)]
    tokens = _concepts(words, verb_forms, sentence=not question)
    decide = _clause_concept if question else _noun_phrase_concept
    return decide(tokens, True) or decide(tokens, False)
