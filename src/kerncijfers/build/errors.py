"""How a build ends when it does not publish: the CLI turns each into a message and an exit code."""

from __future__ import annotations


class BuildLocked(Exception):
    """Another build holds the lock (exit code 3)."""


class BuildFailed(Exception):
    """One or more steps failed, or the inputs are unusable; nothing was published (exit code 1)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class PublicationBroken(Exception):
    """An interrupted publication cannot be completed: something else changed the outputs since (exit code 1)."""
