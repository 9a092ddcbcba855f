"""Errors that speak to an analyst: which file, which cell, which rule, which value, what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One broken rule in one place of a delivery."""

    file: str
    rule: str
    message: str
    hint: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # "error" blocks publication, "warning" is reported

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = f"value {self.value!r}; " if self.value is not None else ""
        return f"{self.location}: {self.message} ({value}rule {self.rule}). {self.hint}"

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "rule": self.rule,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
        }


class DeliveryError(Exception):
    """A delivery was refused. Carries the findings that block it."""

    def __init__(self, findings: list[Finding] | Finding, readable=None):
        self.findings = [findings] if isinstance(findings, Finding) else list(findings)
        #: The part of the delivery that could be read (a `delivery.Delivery`), so its rules still run.
        self.readable = readable
        super().__init__("\n".join(str(f) for f in self.findings))


def refuse(file: str, rule: str, message: str, hint: str, **where) -> DeliveryError:
    """Shorthand for a DeliveryError with a single finding."""
    return DeliveryError(Finding(file=file, rule=rule, message=message, hint=hint, **where))
