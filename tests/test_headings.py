"""Section headings read by their words (headings.py)."""

from __future__ import annotations

import pytest

from postmortem_kb.headings import (
    CANONICAL_SECTIONS,
    heading_by_words,
    heading_words,
    strip_heading_remark,
)

# Headings seen in real postmortems, grouped by the section they mean.
MEANINGS = {
    "Summary": ["Summary", "Issue Summary", "Incident Summary", "Overview", "Executive summary", "TL;DR", "TL;DR:",
                "tl;dr", "What happened", "Summary and impact", "Overview of the incident", "Synopsis"],
    "Impact": ["Impact", "Customer impact", "User Impact", "Scope of impact", "Impact on timeline",
               "Who was affected?", "What was the impact?", "Impacted services", "Blast radius",
               "Summary of impact"],
    "Timeline": ["Timeline", "Timeline (all times PST)", "Timeline (UTC):", "Incident Timeline", "Timeline of events",
                 "Detailed timeline", "Chronology", "Sequence of events", "Time line", "Timeline — all times UTC",
                 "Events"],
    "Root cause": ["Root cause", "Root Cause Analysis", "Root causes", "What went wrong", "Things that went wrong",
                   "Causes", "Cause", "Contributing factors", "Contributing Factors (findings)", "What caused it?",
                   "What caused the impact", "Why did it happen?", "RCA", "Causal analysis", "Analysis of root cause",
                   "Root cause: expired certificate"],
    "Trigger": ["Trigger", "Triggers", "What triggered it"],
    "Detection": ["Detection", "How we found out", "Detection and response", "How was it detected?", "Discovery",
                  "Time to detection"],
    "Resolution": ["Resolution", "Resolution and recovery", "Remediation", "Mitigation", "Mitigations", "Recovery",
                   "Fix", "Fixes", "How we fixed it", "Workaround", "Mitigation steps", "Recovery steps",
                   "Time to resolution"],
    "Action items": ["Action items", "Corrective and Preventative Measure(s)", "Corrective and Preventative Measures",
                     "Corrective and Preventive Actions", "Corrective actions", "Prevention Measures",
                     "Preventive measures", "How are we preventing it from happening again?", "Follow-up",
                     "Follow-ups", "Follow ups", "Followups", "Follow-up items", "Next steps", "Moving forward",
                     "Going forward", "Action plan", "Remediation items", "Remediation actions", "Remediation tasks",
                     "Summary of actions", "What's next", "Todo", "To do", "Tasks", "Improvements",
                     "What we are doing about it"],
    "Lessons learned": ["Lessons learned", "Lessons", "Lessons learnt", "Lessons Learned:", "Conclusion",
                        "Conclusion(s)", "Conclusions", "Takeaways", "Key takeaways", "Learnings", "Learning",
                        "What we learned", "Reflections", "Lessons learned: what went well"],
}
UNKNOWN = ["Responders", "Background", "Stats", "What went well", "Where we got lucky", "Appendix",
           "Supporting information", "Attendees", "General", "Incident", "Postmortem", "Details",
           "What went well and what went wrong", "Questions", "", "   ", "1.", "(draft)", "Day 2", "2024-02-26",
           "13:06",
           # Titles written as sentences: their verbs name no section.
           "Alcide admission causing Kubernetes timeouts",
           "Kubernetes ingress controller Traefik v2 configuration caused outage",
           "Traefik Rule Preventing Some Inbound Traffic", "Logs not shipped to CloudWatch"]


@pytest.mark.parametrize(
    "heading, expected",
    [(heading, section) for section, headings in MEANINGS.items() for heading in headings],
)
def test_headings_map_to_the_section_they_mean(heading, expected):
    assert heading_by_words(heading) == expected


@pytest.mark.parametrize("heading", UNKNOWN)
def test_headings_of_no_section_stay_unmapped(heading):
    assert heading_by_words(heading) is None


def test_every_answer_is_a_builtin_section_name():
    answers = {heading_by_words(h) for headings in MEANINGS.values() for h in headings}
    assert answers == set(CANONICAL_SECTIONS)


@pytest.mark.parametrize("decorated", [
    "1. Timeline", "2) Timeline", "IV. Timeline", "iv. Timeline", "A. Timeline", "Step 3: Timeline",
    "**Timeline**", "__Timeline__", "*Timeline*", "`Timeline`", "**Timeline:**", "**Timeline**:", "TIMELINE",
    "timeline:", "[Timeline](#timeline)", "<a id='t'></a>Timeline", "Timeline {#timeline}", "🕒 Timeline",
    "  Timeline  ", "Timeline (all times PST)", "Timeline [draft]",
])
def test_markup_numbering_and_remarks_do_not_change_the_meaning(decorated):
    assert heading_by_words(decorated) == "Timeline"


@pytest.mark.parametrize("heading, expected", [
    # The head noun decides; a framing head yields to its complement.
    ("Impact on timeline", "Impact"),
    ("Timeline of events", "Timeline"),
    ("Summary of actions", "Action items"),
    ("Overview of the incident", "Summary"),
    ("Scope of impact", "Impact"),
    # Weak words decide only when nothing stronger is there.
    ("Mitigation steps", "Resolution"),
    ("Next steps", "Action items"),
    ("Remediation", "Resolution"),
    ("Remediation items", "Action items"),
    # A question is decided by its verb, not its object.
    ("What caused the impact", "Root cause"),
    ("How did we detect the outage?", "Detection"),
    # A verb form leading a noun phrase qualifies it; later it is a verb.
    ("Impacted services", "Impact"),
    ("Preventing recurrence", "Action items"),
    # Coordination: the first part that means something.
    ("Background and impact", "Impact"),
    ("Detection and response", "Detection"),
])
def test_ambiguous_wording_follows_the_documented_rules(heading, expected):
    assert heading_by_words(heading) == expected


def test_went_well_and_got_lucky_are_never_a_section():
    # "What went well" shares "went" with "What went wrong" (Root cause).
    assert heading_by_words("What went wrong") == "Root cause"
    assert heading_by_words("What went well") is None
    assert heading_by_words("Things that went right") is None
    assert heading_by_words("Where we got lucky") is None


@pytest.mark.parametrize("heading, expected", [
    ("Timeline (all times PST)", ("Timeline", "all times PST")),
    ("Timeline (all times PST):", ("Timeline", "all times PST")),
    ("**Timeline (UTC)**:", ("Timeline", "UTC")),
    ("Timeline (UTC) (draft)", ("Timeline", "UTC; draft")),
    ("(Optional) Lessons", ("Lessons", "Optional")),
    ("Timeline — all times UTC", ("Timeline", "all times UTC")),
    ("Timeline - times in CEST", ("Timeline", "times in CEST")),
    ("Root cause: expired certificate", ("Root cause", "expired certificate")),
    ("Timeline", ("Timeline", None)),
    ("Timeline:", ("Timeline", None)),
    # A parenthesis glued to a word is part of it, not a remark.
    ("Corrective and Preventative Measure(s)", ("Corrective and Preventative Measure(s)", None)),
    ("Conclusion(s)", ("Conclusion(s)", None)),
    # Hyphens inside words are not separators.
    ("Follow-up", ("Follow-up", None)),
    # Nothing but a remark: the heading stays as written.
    ("(draft)", ("(draft)", None)),
    ("Timeline ()", ("Timeline ()", None)),
])
def test_strip_heading_remark(heading, expected):
    assert strip_heading_remark(heading) == expected


def test_heading_words_are_normalised_and_stemmed():
    assert heading_words("2. **Contributing Factors** (findings):") == ("contributing", "factor")
    assert heading_words("Lessons learnt") == ("lesson", "learn")
    assert heading_words("What's next?") == ("whats", "next")
    assert heading_words("Analysis") == ("analysis",)  # not a plural


def test_results_are_cached_by_text():
    heading_by_words.cache_clear()
    heading_by_words("Incident Summary")
    heading_by_words("Incident Summary")
    info = heading_by_words.cache_info()
    assert (info.hits, info.misses) == (1, 1)
