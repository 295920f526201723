"""The one error a command raises for a mistake in how exolint was called."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake in how exolint was called (an argument, a path, the configuration): the CLI
    prints its one line and exits 2."""
