"""The user's mistakes, as distinct from ours: printed as one line by the CLI, exit 2."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user asked for (an option, a path, a config file)."""
