"""The registry of failure codes: every code a check raises, who raises it, and the fix.

A `compat_tests.failures.Failure` may only carry a code listed here (its constructor
refuses others), so declared exceptions, reports and the documentation all speak of
the same codes.  ``docs/failures.rst`` holds the table `table` renders; a test keeps
them equal.  Adding a code is one `register` call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "CODES",
    "Code",
    "codes_matching",
    "families",
    "get",
    "is_registered",
    "register",
    "table",
]


@dataclass(frozen=True)
class Code:
    """One failure code: its name, the property (or check) raising it, the one-line fix."""

    name: str
    raised_by: str
    fix: str

    @property
    def family(self) -> str:
        """The part before the dot (``backport`` for ``backport.lost-value``)."""
        return self.name.partition(".")[0]


#: code name -> `Code`, in registration (and documentation) order.
CODES: dict[str, Code] = {}


def register(name: str, raised_by: str, fix: str) -> Code:
    """Add failure code ``name``, raised by property ``raised_by``, fixed as ``fix`` says."""
    family, dot, rest = name.partition(".")
    if not (family and dot and rest) or name in CODES:
        raise ValueError(f"failure code {name!r} is malformed or already registered")
    CODES[name] = code = Code(name, raised_by, fix)
    return code


def get(name: str) -> Code:
    """The registered `Code` called ``name``; `KeyError` naming the registry otherwise."""
    try:
        return CODES[name]
    except KeyError:
        raise KeyError(
            f"failure code {name!r} is not registered; add it with "
            "compat_tests.codes.register(name, raised_by, fix)"
        ) from None


def is_registered(name: str) -> bool:
    """Tell whether ``name`` is a registered failure code."""
    return name in CODES


def families() -> list[str]:
    """The code families (``snapshot``, ``backport``, ...), in registration order."""
    return list(dict.fromkeys(code.family for code in CODES.values()))


def codes_matching(pattern: str) -> Iterator[Code]:
    """The codes a declaration's ``code`` (``*``, a family, or a full code) covers."""
    for code in CODES.values():
        if pattern == "*" or code.name == pattern or code.name.startswith(pattern + "."):
            yield code


def table() -> str:
    """The reStructuredText table of every code (what ``docs/failures.rst`` holds)."""
    rows = [(f"``{c.name}``", c.raised_by, c.fix) for c in CODES.values()]
    head = ("code", "raised by", "fix")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    rule = "  ".join("=" * w for w in widths)

    def line(row: tuple[str, str, str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()

    return "\n".join([rule, line(head), rule, *(line(r) for r in rows), rule]) + "\n"


_R = register
# The snapshot check (``ovo-compat check``; the ``snapshot`` case of ``ovo-compat run``).
_R("snapshot.missing", "snapshot", "run `ovo-compat snapshot` and commit the file")
_R("snapshot.version-regressed", "snapshot", "set VERSION to at least the newest recorded one")
_R("snapshot.unbumped", "snapshot", "bump VERSION, add the backport, run `ovo-compat snapshot`")
_R(
    "snapshot.breaking-minor-bump",
    "snapshot",
    "bump the major version, undo the change, or declare it with its reason",
)
_R(
    "snapshot.child-unmapped",
    "snapshot",
    "bump the parent and map the child's new version in obj_relationships",
)
_R("snapshot.stale-exception", "snapshot", "delete the declaration that no longer matches")
# Object properties (``ovo-compat run``).
_R("roundtrip.mismatch", "roundtrip", "make obj_to_primitive/obj_from_primitive inverse")
_R("roundtrip.wire", "roundtrip", "keep primitives JSON-serializable and JSON-stable")
_R("roundtrip.manifest", "roundtrip", "sending with the object's own manifest must not change it")
_R(
    "roundtrip.crash",
    "roundtrip",
    "the project's code raised inside the round trip: fix it, declare it, or list a "
    "lazy-load error in access_errors",
)
_R(
    "backport.crash",
    "backport, manifest, upgrade",
    "obj_make_compatible must not raise for a known version",
)
_R(
    "backport.mutated-source",
    "backport, manifest, upgrade",
    "backport a copy, never the object sent",
)
_R(
    "backport.version",
    "backport, manifest, upgrade",
    "the primitive must declare the target version",
)
_R("backport.unknown-field", "backport, manifest, upgrade", "drop fields the old version lacks")
_R("backport.lost-value", "backport, manifest, upgrade", "keep the value, or declare a transform")
_R(
    "backport.child-version",
    "backport, manifest, upgrade",
    "backport children per obj_relationships",
)
_R("backport.invalid", "backport, manifest, upgrade", "send only values the old class accepts")
_R("indirection.unreadable", "indirection", "object_backport_versions must serve old nodes")
_R("indirection.mismatch", "indirection", "indirection must equal a manifest-driven backport")
_R(
    "indirection.crash",
    "indirection",
    "the project's code raised while an old node received the object: fix it or declare it",
)
_R("upgrade.crash", "upgrade", "the old node's primitive must be producible and sendable")
_R("upgrade.unreadable", "upgrade", "the current code must read what old nodes send")
_R("upgrade.rebackport", "upgrade", "a read-then-backported object must equal what was sent")
_R("upgrade.access", "upgrade", "default fields old nodes never send, or raise NotImplementedError")
_R("release.unreadable", "release", "bump the parent's VERSION when a child changes")
_R("release.lost-value", "release", "bump the parent's VERSION when a child changes")
_R(
    "release.crash",
    "release",
    "the project's code raised while sending to the release's node: fix it or declare it",
)
_R(
    "release.needs-backport",
    "release",
    "bump the parent's VERSION when a child changes, or declare it if old nodes have an "
    "indirection API",
)
# The RPC snapshot check (``ovo-compat check``; ``test_rpc_snapshot``).
_R("rpc.snapshot-missing", "rpc-snapshot", "run `ovo-compat snapshot` and commit the file")
_R("rpc.version-regressed", "rpc-snapshot", "RPC versions only go up")
_R("rpc.unbumped", "rpc-snapshot", "raise the target version and record a snapshot")
_R(
    "rpc.breaking-minor-bump",
    "rpc-snapshot",
    "keep the old signature until the next major, or declare it with its reason",
)
_R("rpc.stale-exception", "rpc-snapshot", "delete the declaration that no longer matches")
_R("rpc.history-missing", "rpc-history", "record each cap of the window from its release")
_R("rpc.shape-unknown", "rpc-shapes", "record the cap's shapes from its release, or declare it")
_R("rpc.ungenerated-parameter", "rpc-check", "give the parameter a strategy or an annotation")
# The pinned-client RPC properties.
_R("rpc.cap-exceeded", "rpc-call", "add a can_send_version() branch for the cap")
_R("rpc.old-server-rejects", "rpc-call", "do not send methods/arguments the cap's server lacks")
_R(
    "rpc.new-server-rejects",
    "rpc-call, rpc-signatures, rpc-recorded",
    "keep old methods; default new params",
)
_R("rpc.method-not-at-cap", "rpc-call", "refuse before sending a method the cap lacks")
_R("rpc.payload-shape", "rpc-call", "send the cap's payload shape, or bump the RPC version")
_R("rpc.default-changed", "rpc-call", "keep the old default or send the value explicitly")
_R("rpc.unsupported-version", "rpc-call", "the server must speak every version in the window")
_R("rpc.too-new-object", "rpc-call", "backport objects to the receiving node's versions")
_R("rpc.unreadable-result", "rpc-call", "backport results to the client's version")
_R("rpc.timeout", "rpc-call", "the call must finish within the harness timeout")
_R("rpc.client-error", "rpc-call", "the client raised before or after sending; fix the client")
# Cross-release runs (``ovo-compat run --against SPEC``; compat_tests/cross, docs/cross.rst).
_R(
    "cross.node-failed",
    "cross",
    "the old release's node did not start, hung or crashed: read its stderr",
)
_R("cross.backport-failed", "cross", "backport to every version the old release's manifest lists")
_R("cross.old-cannot-read", "cross", "backport objects and children to what the release reads")
_R("cross.old-ignores-field", "cross", "drop fields the old version lacks in obj_make_compatible")
_R("cross.old-reads-differently", "cross", "backport values as the old release reads them")
_R("cross.new-cannot-read", "cross", "keep reading every version the old release sends")
_R(
    "cross.backport-changed",
    "cross",
    "a backport to the sender's version must give back its object",
)
_R(
    "cross.indirection-failed",
    "cross",
    "serve object_backport_versions for the old release's manifest",
)
_R("cross.indirection-differs", "cross", "the conductor must backport as a direct backport does")
_R(
    "cross.old-server-rejects",
    "cross",
    "do not send what the release's real server rejects at its cap",
)
_R("cross.new-server-rejects", "cross", "keep accepting what the release's real client sends")
_R("cross.reply-unreadable", "cross", "backport replies to what the caller reads")
_R(
    "cross.model-gap",
    "cross-fidelity",
    "fix ovo-compat's model of the release (its snapshots, release file or a declaration)",
)
# The rolling upgrade (``ovo-compat upgrade``; compat_tests/upgrade, docs/upgrade.rst).
_R(
    "rolling.call-rejected",
    "rolling-upgrade",
    "keep serving what the older peer sends; cap the client at the oldest host's version",
)
_R(
    "rolling.unreadable-reply",
    "rolling-upgrade",
    "backport replies to the caller's versions (the server's serializer, pinned)",
)
_R(
    "rolling.unreadable-object",
    "rolling-upgrade",
    "send objects at the receiving node's versions (manifest or object_backport_versions)",
)
_R("rolling.timeout", "rolling-upgrade", "every call between running nodes must be answered")
_R("rolling.client-error", "rolling-upgrade", "the caller's client raised before sending")
_R("rolling.stale-exception", "rolling-upgrade", "delete the declaration that no longer matches")
_R(
    "rolling.node-failed",
    "rolling-upgrade",
    "a node crashed, hung or failed to start: read its stderr tail and fix the release",
)
# The database stage (``ovo-compat db``; compat_tests/db, docs/db.rst).
_R("db.expand.drop", "db-phase", "drop in contract, after the code stopped using it")
_R("db.expand.rename", "db-phase", "add the new name, copy with a data migration, drop later")
_R("db.expand.type-narrowing", "db-phase", "only widen types in expand")
_R("db.expand.nullability", "db-phase", "tighten NOT NULL in contract, after old code is gone")
_R("db.expand.not-null-without-default", "db-phase", "give the new column a server default")
_R(
    "db.expand.constraint-on-existing-rows",
    "db-phase",
    "check or de-duplicate the rows first, and declare that check",
)
_R("db.expand.delete", "db-phase", "delete rows in contract or in a data migration")
_R("db.expand.fails", "db-phase", "expand must run on every database the old release wrote")
_R("db.contract.create", "db-phase", "create in expand; contract only removes")
_R("db.old-code.write", "db-code", "keep the old column lists insertable and updatable")
_R("db.old-code.read", "db-code", "keep every column the old release reads, with its values")
_R("db.current-code.read", "db-code", "the current models must read rows written before")
_R("db.data-migration.crash", "db-data", "a data migration must not raise on valid rows")
_R("db.data-migration.contract", "db-data", "return (found, done) with 0 <= done <= found")
_R("db.data-migration.diverges", "db-data", "migrate what you find; found must reach 0")
_R("db.data-migration.not-idempotent", "db-data", "a rerun must find and change nothing")
_R("db.data-migration.loses-value", "db-data", "move every value to its declared new place")
_R("db.contract.destroys-data", "db-contract", "add a blocker that refuses unmigrated rows")
_R("db.contract.pending-check", "db-contract", "the pending check must match the rows")
_R("db.contract.fails", "db-contract", "contract must run once every data migration ran")
_R("db.contract.unreadable", "db-contract", "keep every value readable by the current code")
_R("db.primitive.version-mismatch", "db-data", "bump the stored version with the layout")
_R("db.primitive.unreadable", "db-data", "store only versions every running node reads")
_R("db.declaration.stale", "db", "delete the DB declaration that no longer matches")
del _R
