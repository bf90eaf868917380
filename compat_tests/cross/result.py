"""The state of one cross-release run: what it found (`CrossResult`) and shares (`Run`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compat_tests.cross.process import Node
from compat_tests.failures import Failure
from compat_tests.properties._compare import normalized, sets_sorted
from compat_tests.report import CaseFailure, Counterexample
from compat_tests.rpc.transport import wire

__all__ = ["CrossResult", "Run"]


@dataclass
class CrossResult:
    """What a cross-release run found, counted and left out."""

    release: str
    failures: list[CaseFailure] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: "API.method: Kind" -> calls answered with an application error or a client error
    benign: dict[str, int] = field(default_factory=dict)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set)

    @property
    def gaps(self) -> list[CaseFailure]:
        """The model gaps (``cross.model-gap``) among the failures."""
        return [f for f in self.failures if f.failure.code == "cross.model-gap"]

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to counter ``key``."""
        self.counts[key] = self.counts.get(key, 0) + n

    def add(
        self, failure: Failure, case: str, *, sent: Any = None, raised: str | None = None
    ) -> None:
        """Record ``failure`` (once per code, subject, field and version pair)."""
        key = (failure.code, failure.subject, failure.field or "", failure.pair)
        if key in self._seen:
            self.count("repeats")
            return
        self._seen.add(key)
        shown = None if sent is None else json.dumps(sent, sort_keys=True, default=str)[:4000]
        self.failures.append(
            CaseFailure(
                case=case, failure=failure, counterexample=Counterexample(sent=shown, raised=raised)
            )
        )

    def counts_line(self) -> str:
        """One line: what was checked against which release, and what was not and why."""
        c = self.counts
        parts = [
            f"cross against {self.release}: {c.get('classes', 0)} classes",
            f"({c.get('sent', 0)} objects sent, "
            f"{c.get('indirection', 0)} through indirection, {c.get('received', 0)} received "
            "from the release)",
            f"RPC: {c.get('rpc-calls', 0)} calls to its servers, {c.get('rpc-old-client', 0)} "
            f"by its clients ({c.get('rpc-refused', 0)} methods refused by the cap before "
            f"sending; {c.get('rpc-application-errors', 0)} answered with an application "
            f"error and {c.get('rpc-client-errors', 0)} raised by the client on a valid "
            "reply, neither a compatibility failure)",
            f"fidelity: {c.get('fidelity', 0)} comparisons with the rebuilt node, "
            f"{len(self.gaps)} model gaps",
            f"{len(self.failures)} failures ({c.get('declared', 0)} more explained by declared "
            "exceptions)",
        ]
        if self.benign:
            shown = ", ".join(f"{k} x{n}" for k, n in sorted(self.benign.items()))
            parts[2] = parts[2][:-1] + f": {shown})"
        line = " ".join(parts[:2]) + "; " + "; ".join(parts[2:])
        if c.get("indirection-impossible"):
            self.notes.append(
                f"indirection for {c['indirection-impossible']} objects (the release's classes "
                "are not in OVO's global registry, so its serializer never asks for a backport)"
            )
        if self.notes:
            line += "; not checked: " + "; ".join(self.notes)
        return line


@dataclass
class Run:
    """The state one run shares between its checks."""

    target: Any
    classes: Mapping[str, type]
    context: Any
    node: Node
    result: CrossResult
    examples: int
    histories: Any
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (primitive given to the release, what the real release read) for the fidelity check
    reads: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    fidelity: bool = True
    cleanups: list[Callable[[], Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The release, as every message names it."""
        return self.result.release

    def old_version(self, name: str) -> str:
        """The version of ``name`` the release ships."""
        return str(self.node.info["objects"][name])

    def manifest(self, name: str) -> dict[str, str]:
        """What the release's serializer sends for ``name`` (``obj_tree_get_versions``)."""
        if name not in self.manifests:
            self.manifests[name] = self.node.call("tree_versions", {"name": name})
        return self.manifests[name]["manifest"]

    def backport(self, obj: Any, version: str) -> dict[str, Any]:
        """``obj`` as the current code sends it to the release: with its manifest if it has one.

        A release whose OVO cannot walk its classes (``obj_tree_get_versions`` fails: a
        project registry such as Neutron's) never sends a manifest, so the current code
        is given the version only, as such projects do.
        """
        name = obj.obj_name()
        manifest = self.manifest(name)
        if self.manifests[name]["real"]:
            return wire(obj.obj_to_primitive(target_version=version, version_manifest=manifest))
        return wire(obj.obj_to_primitive(target_version=version))

    def descriptors(self, name: str, version: str) -> Mapping[str, Any] | None:
        """Recorded field descriptors of ``name`` at ``version`` (None when unrecorded)."""
        if name in self.histories and version in self.histories[name]:
            return self.histories[name][version].get("fields", {})
        return None

    def comparable(self, primitive: Any) -> Any:
        """``primitive`` as values compare: sets sorted, without ``changes`` lists.

        Which fields were changed is bookkeeping a reader filters to its own fields
        (``obj_from_primitive``), not a value the two sides must agree on.
        """
        return _without_changes(normalized(sets_sorted(primitive, self.descriptors)))

    def fail(
        self,
        code: str,
        name: str,
        message: str,
        *,
        pair: tuple[str | None, str | None],
        field: str | None = None,
        sent: Any = None,
        raised: str | None = None,
        location: str = "",
    ) -> None:
        """Record a ``code`` failure about ``name`` against this release (a `Failure`)."""
        failure = Failure(
            code=code,
            subject=name,
            message=f"{message} [against {self.label}]",
            from_version=pair[0],
            to_version=pair[1],
            field=field,
            location=location,
            details={"release": self.label},
        )
        self.result.add(failure, f"cross::{self.label}::{name}::{code}", sent=sent, raised=raised)


def _without_changes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_changes(v) for k, v in value.items() if not str(k).endswith(".changes")}
    if isinstance(value, list):
        return [_without_changes(v) for v in value]
    return value
