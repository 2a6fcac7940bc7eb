"""tenmon-guard: stops the shell commands that break a production service, and shows the approved way."""

__version__ = "0.1.0"
