"""Streaming extraction of diplomatic events from French news articles."""

__version__ = "0.1.0"
