"""The counterexample of a failure in the user's terms, read from the failing exception.

The properties raise `compat_tests.failures.CompatFailure` from inside the Hypothesis
test that drew the example; when Hypothesis re-raises the minimal example's failure,
its traceback still holds the frames that saw the object, the primitive sent and the
user's code.  This module reads those frames (never calling the object's ``repr()``,
which may lazy-load fields from a database) and renders:

* the object as a constructor call of the user's class (``Port(id='...', status='ACTIVE')``),
  with the fields that were unset;
* the primitive that was sent, as JSON trimmed to the path of the failure;
* the user's code involved: the innermost frame of the user's code in the exception
  chain (a crash in ``obj_make_compatible``), else the ``obj_make_compatible`` (or RPC
  client method) that produced what was sent, as ``file:line``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from compat_tests.properties.shown import Shown

_VALUE_WIDTH = 60
_OBJECT_WIDTH = 400
# Frames of these packages are never "the user's code".
_FRAMEWORK = (
    "compat_tests",
    "strategies",
    "hypothesis",
    "_pytest",
    "pytest",
    "pluggy",
    "oslo_versionedobjects",
    "oslo_messaging",
    "oslo_utils",
    "oslo_serialization",
    "fixtures",
    "testtools",
)
_PRIMITIVE_NAMES = ("primitive", "resent", "sent")
_META = (".name", ".version")


@dataclasses.dataclass(frozen=True)
class Counterexample:
    """What a failure was found with, as text (JSON-able via `as_dict`).

    ``call`` is the constructor call (objects) or client call (RPC); ``version`` the
    class version of the object; ``unset`` the fields that were not set; ``sent`` the
    primitive or RPC message sent, trimmed JSON; ``user_code`` ``file:line in name``.
    """

    call: str | None = None
    version: str | None = None
    unset: tuple[str, ...] = ()
    sent: str | None = None
    user_code: str | None = None
    raised: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**dataclasses.asdict(self), "unset": list(self.unset)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counterexample:
        """Inverse of `as_dict`."""
        return cls(**{**data, "unset": tuple(data.get("unset") or ())})


def from_exception(exc: BaseException) -> Counterexample:
    """Read the counterexample of ``exc`` (a `CompatFailure`) from its traceback frames."""
    failure = getattr(exc, "failure", None)
    location = getattr(failure, "location", "") or ""
    frames = list(_frames(exc.__traceback__))
    obj = _first_local(frames, ("obj",), _is_versioned_object)
    call = version = None
    unset: tuple[str, ...] = ()
    if obj is not None:
        call = constructor(obj)
        version = str(getattr(obj, "VERSION", "")) or None
        unset = tuple(f for f in obj.fields if not obj.obj_attr_is_set(f))
    elif failure is not None:
        shown = failure.details.get("example")
        if isinstance(shown, str) and shown.startswith(f"{failure.subject}("):
            # A shared run's example, raised where another case already shrank the finding.
            call, version = shown, failure.from_version
    harness = _first_local(frames, ("harness",), lambda v: hasattr(v, "api"))
    method = _first_local(frames, ("method",), lambda v: isinstance(v, str))
    sent = None
    if harness is not None and method is not None:
        kwargs = _first_local(frames, ("kwargs",), lambda v: isinstance(v, dict)) or {}
        cap = _first_local(frames, ("cap",), lambda v: isinstance(v, str))
        call = rpc_call(harness, method, cap, kwargs)
        sent = _rpc_sent(frames, location)
    else:
        primitive = _first_local(frames, _PRIMITIVE_NAMES, lambda v: isinstance(v, dict))
        if primitive is not None:
            sent = trimmed_json(primitive, location)
    subject = _first_local(frames, ("subject",), lambda v: hasattr(v, "cls"))
    home = getattr(subject, "cls", None) or (type(obj) if obj is not None else None)
    raised, user = _user_frame(exc, home.__module__.split(".")[0] if home else None)
    if user is None:
        user = _user_method(frames, obj, harness, method, failure)
    return Counterexample(call, version, unset, sent, user, raised)


def _frames(tb: TracebackType | None) -> Iterator[FrameType]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _first_local(frames: list[FrameType], names: tuple[str, ...], ok: Any) -> Any:
    """The outermost framework frame's local ``names[0]`` passing ``ok``; else ``names[1]``..."""
    for name in names:
        for frame in frames:
            if not _is_framework(frame.f_code.co_filename):
                continue
            value = frame.f_locals.get(name)
            if isinstance(value, Shown):  # the dedicated run's example, shown without repr()
                value = value.value
            if value is not None and ok(value):
                return value
    return None


def _is_versioned_object(value: Any) -> bool:
    return hasattr(value, "obj_attr_is_set") and hasattr(value, "fields")


def _module_root(filename: str) -> str | None:
    for entry in sorted(sys.path, key=len, reverse=True):
        if entry and filename.startswith(entry.rstrip("/") + "/"):
            return filename[len(entry.rstrip("/")) + 1 :].split("/", 1)[0]
    return None


def _is_framework(filename: str) -> bool:
    root = _module_root(filename)
    if root is None:
        return False
    return root.removesuffix(".py") in _FRAMEWORK


def is_user(filename: str) -> bool:
    """Whether ``filename`` is the user's code: not ovo-compat, its libraries or the stdlib."""
    if filename.startswith("<") or _is_framework(filename):
        return False
    stdlib = Path(inspect.getfile(json)).resolve().parents[1]
    return not Path(filename).resolve().is_relative_to(stdlib) or "site-packages" in filename


def constructor(obj: Any, width: int = _OBJECT_WIDTH) -> str:
    """``Name(field=value, ...)`` of the fields of ``obj`` that are set (never ``repr(obj)``)."""
    text = _constructor(obj, depth=0)
    return text if len(text) <= width else text[: width - 4] + " ...)"


def _constructor(obj: Any, depth: int) -> str:
    name = type(obj).obj_name() if hasattr(type(obj), "obj_name") else type(obj).__name__
    parts = []
    for field in obj.fields:
        if obj.obj_attr_is_set(field):
            parts.append(f"{field}={_value(getattr(obj, field), depth + 1)}")
    return f"{name}({', '.join(parts)})"


def _value(value: Any, depth: int) -> str:
    if _is_versioned_object(value):
        return _constructor(value, depth) if depth < 3 else f"{type(value).__name__}(...)"
    if isinstance(value, (list, tuple)) and any(_is_versioned_object(v) for v in value):
        inner = ", ".join(_value(v, depth) for v in value)
        return f"[{inner}]"
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails still gets a place holder
        text = f"<{type(value).__name__}>"
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 4] + "...'"


def trimmed_json(primitive: Any, location: str = "", width: int = 400) -> str:
    """``primitive`` as JSON, keeping only the path to ``location`` (a JSON pointer) in full.

    Off that path, OVO's ``*.name``/``*.version`` keys are kept and other keys are
    summarised as ``"...": "N more"``; without a location, two levels are kept.
    """
    path = [_unescape(p) for p in location.split("/")[1:]] if location else []
    trimmed = _trim(primitive, path) if path else _shallow(primitive, 2)
    text = json.dumps(trimmed, default=str)
    return text if len(text) <= width else text[: width - 4] + " ..."


def _trim(value: Any, path: list[str]) -> Any:
    if not path:
        return _shallow(value, 1) if isinstance(value, dict) else value
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        out = {k: v for k, v in value.items() if str(k).endswith(_META) and str(k) != head}
        for key, item in value.items():
            if str(key) == head:
                out[key] = _trim(item, rest)
        others = len(value) - len(out)
        if others:
            out["..."] = f"{others} more"
        return out
    if isinstance(value, (list, tuple)) and head.isdigit() and int(head) < len(value):
        index = int(head)
        before = [f"... {index} before"] if index else []
        after = len(value) - index - 1
        return [*before, _trim(value[index], rest), *([f"... {after} after"] if after else [])]
    return value


def _shallow(value: Any, depth: int) -> Any:
    if isinstance(value, dict):
        if depth <= 0:
            return "{...}"
        return {k: _shallow(v, depth - 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shallow(v, depth - 1) for v in value] if depth > 0 else f"[{len(value)} items]"
    return value


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _user_frame(exc: BaseException, home: str | None) -> tuple[str | None, str | None]:
    """(``Type: message``, ``file:line in function``) of the innermost user frame that raised.

    Frames of the ``home`` package (the class under test's) are preferred over other
    user frames (a library the user's code called into).
    """
    seen: set[int] = set()
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        user = [f for f in _tb_entries(cause.__traceback__) if is_user(f[0])]
        own = [f for f in user if home is not None and _module_root(f[0]) in (home, f"{home}.py")]
        user = own or user
        if user:
            filename, lineno, name = user[-1]
            return f"{type(cause).__name__}: {cause}", f"{_short(filename)}:{lineno} in {name}"
        cause = cause.__cause__ or cause.__context__
    return None, None


def _tb_entries(tb: TracebackType | None) -> Iterator[tuple[str, int, str]]:
    while tb is not None:
        code = tb.tb_frame.f_code
        yield code.co_filename, tb.tb_lineno, getattr(code, "co_qualname", code.co_name)
        tb = tb.tb_next


def _user_method(
    frames: list[FrameType], obj: Any, harness: Any, method: str | None, failure: Any
) -> str | None:
    """Where the user's code that produced what was sent is defined.

    The RPC client method; the field type's ``to_primitive`` for a value the JSON
    wire changes; otherwise the class's own ``obj_make_compatible``.
    """
    if harness is not None and method is not None:
        try:
            client = harness.api.client(harness.capture_transport(), None)
        except Exception:  # a client that cannot be built offline: no location
            return None
        return _where(getattr(type(client), method, None))
    subject = _first_local(frames, ("subject",), lambda v: hasattr(v, "cls"))
    cls = getattr(subject, "cls", None) or (type(obj) if obj is not None else None)
    if cls is None:
        return None
    code, field = getattr(failure, "code", ""), getattr(failure, "field", None)
    if code == "roundtrip.wire" and field in getattr(cls, "fields", {}):
        found = _where(
            getattr(type(getattr(cls.fields[field], "_type", None)), "to_primitive", None)
        )
        if found is not None:
            return found
    for klass in cls.__mro__:
        function = klass.__dict__.get("obj_make_compatible")
        if function is not None:
            found = _where(function)
            if found is not None:
                return found
    return None


def _where(function: Any) -> str | None:
    function = inspect.unwrap(function) if callable(function) else None
    found = source_location(function) if function is not None else None
    return f"{found} in {function.__qualname__}" if found else None


def source_location(thing: Any) -> str | None:
    """``file:line`` where the user's class or function ``thing`` is defined, else None."""
    try:
        filename = inspect.getsourcefile(thing)
        lineno = inspect.getsourcelines(thing)[1]
    except (OSError, TypeError):
        return None
    if filename is None or not is_user(filename):
        return None
    return f"{_short(filename)}:{lineno}"


def _short(filename: str) -> str:
    """``filename`` relative to the working directory when inside it."""
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return filename


def rpc_call(harness: Any, method: str, cap: str | None, kwargs: dict[str, Any]) -> str:
    """``Client.method(context, arg=value, ...)`` for a client pinned at ``cap``."""
    try:
        client = type(harness.api.client(harness.capture_transport(), None)).__name__
    except Exception:  # not buildable offline: name the API instead
        client = harness.api.name
    args = ", ".join(f"{k}={_value(v, 1)}" for k, v in kwargs.items())
    pinned = f"  # client pinned at {cap}" if cap else ""
    return f"{client}.{method}(context{', ' if args else ''}{args}){pinned}"


def _rpc_sent(frames: list[FrameType], location: str) -> str | None:
    for frame in reversed(frames):
        for name in ("outcome", "new", "old"):
            outcome = frame.f_locals.get(name)
            sent = getattr(outcome, "sent", None)
            if sent:
                return trimmed_json(sent[-1].message, location)
    return None
