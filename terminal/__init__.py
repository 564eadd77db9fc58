"""PayTerm: the register application."""

__version__ = "0.1.0"
