"""The support window: which recorded versions of a class or RPC API a rolling upgrade must serve.

Computed here once for objects (`compat_tests.plan`) and RPC (the harness's caps,
``test_rpc``) alike: a recorded version older than the current one is *supported*
when it has the current major version and is not older than the target's
``[support]`` entry for the subject (else ``default``, else ``1.0``); the other
older recorded versions are *below* the window, each with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from compat_tests.versions import parse, sort_versions

__all__ = ["Window", "support_window"]


@dataclass(frozen=True)
class Window:
    """The supported and below-window recorded versions of subject ``name``, oldest first."""

    name: str
    current: str
    oldest: str
    supported: tuple[str, ...]
    below: tuple[str, ...]

    @property
    def caps(self) -> tuple[str, ...]:
        """Every version a peer may speak: the supported ones and the current one."""
        return (*self.supported, self.current)

    def why_below(self, version: str, where: str = "[support]") -> str:
        """Why recorded ``version`` is not tested; ``where`` names the setting to change."""
        if parse(version)[0] != parse(self.current)[0]:
            return f"{self.name} {version} is a different major version than {self.current}"
        return (
            f"{self.name} {version} is below the support window (oldest supported "
            f"{self.oldest}, {where})"
        )


def support_window(name: str, recorded: Iterable[str], current: str, oldest: str) -> Window:
    """The `Window` of ``name`` at ``current`` whose oldest supported version is ``oldest``."""
    older = [v for v in sort_versions(set(recorded)) if parse(v) < parse(current)]
    supported = tuple(
        v for v in older if parse(v)[0] == parse(current)[0] and parse(v) >= parse(oldest)
    )
    below = tuple(v for v in older if v not in supported)
    return Window(name, current, oldest, supported, below)
