"""What a compatibility failure is: a stable code, coordinates, and a readable message.

Every check in the suite reports through `CompatFailure`, so a failure always names
the object (or RPC API), the version pair, the field and a JSON-pointer-like
location inside the primitive, and carries a stable ``code`` such as
``backport.unknown-field`` that declared exceptions and tooling can match on; the
codes are listed, with who raises them and the fix, in `compat_tests.codes`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from compat_tests import codes


@dataclasses.dataclass(frozen=True)
class Failure:
    """The coordinates and explanation of one compatibility failure."""

    code: str
    subject: str
    message: str
    from_version: str | None = None
    to_version: str | None = None
    field: str | None = None
    location: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        # Unregistered codes would escape declarations, reports and docs alike.
        if not codes.is_registered(self.code):
            raise ValueError(
                f"failure code {self.code!r} is not registered; add it with "
                "compat_tests.codes.register(name, raised_by, fix)"
            )

    @property
    def pair(self) -> str:
        """The version pair as ``FROM->TO`` (or a single version)."""
        if self.from_version and self.to_version:
            return f"{self.from_version}->{self.to_version}"
        return self.from_version or self.to_version or "?"

    def render(self) -> str:
        """A one-paragraph human description of the failure."""
        parts = [f"[{self.code}] {self.subject} {self.pair}"]
        if self.field:
            parts.append(f"field {self.field!r}")
        if self.location:
            parts.append(f"at {self.location}")
        return " ".join(parts) + f": {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the failure."""
        return {
            "code": self.code,
            "subject": self.subject,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "field": self.field,
            "location": self.location,
            "message": self.message,
            "details": self.details,
        }


class CompatFailure(AssertionError):
    """Raised by a property when compatibility is broken; Hypothesis shrinks on it."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.render())
        self.failure = failure


def pointer(*parts: object) -> str:
    """Build a JSON-pointer-like location (RFC 6901 escaping) from path parts."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/" + "/".join(escaped)
