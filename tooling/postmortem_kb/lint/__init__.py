"""Lint: the team's postmortem contract, as rules that produce located findings."""
