"""exolint: a policy-as-code linter for Exchange Online mail-flow configuration kept in git."""

__version__ = "0.2.0"
