"""CLI command groups, one module per stage; each exposes `register(app)` and is wired in api/cli.py."""
