"""barrack-tui: a terminal console for the Barrack GPU cloud."""

__version__ = "0.1.0"
