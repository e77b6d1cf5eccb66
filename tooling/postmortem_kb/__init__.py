"""postmortem-kb: a docs-as-code knowledge base for incident postmortems."""

__version__ = "0.1.0"
