"""One module per `tipbook` subcommand; each defines a click command named `command`."""
