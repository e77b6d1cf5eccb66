"""One module per `postmortem` subcommand; each imports its heavy parts lazily."""
