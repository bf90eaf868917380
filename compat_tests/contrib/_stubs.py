"""Stub RPC servers built from a project's real manager classes (Nova's, and any like them).

A project's RPC server is a manager object whose public methods are the RPC methods and
whose ``target`` names the API version (and namespace).  Building the real manager needs
its whole service (drivers, placement, databases), so `stub_endpoint` builds an endpoint
with the manager's ``target`` and, for each RPC method, the manager's *real* signature
(found under its decorators by `real_signature`): a message the real server would refuse
(an unknown or missing argument) is refused the same way (``TypeError``), and an accepted
one answers with the given ``answers`` function, else None.  What a stub answers is not
what the real server answers: the reply path is only checked where ``answers`` says.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["real_signature", "stub_endpoint"]


def _has_var_args(signature: inspect.Signature) -> bool:
    return any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in signature.parameters.values())


def real_signature(func: Callable[..., Any], name: str) -> inspect.Signature:
    """The signature of the function named ``name`` that ``func``'s decorator chain ends in.

    Decorators without ``functools.wraps`` show ``(*args, **kwargs)``; the wrapped function
    is found through ``__wrapped__`` and the decorators' closures.  The first function named
    ``name`` without ``*args``/``**kwargs`` wins, else the first one found, else ``func``'s.
    """
    seen: set[int] = set()
    pending: list[Any] = [func]
    fallback = None
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if inspect.isfunction(current) and current.__name__ == name:
            signature = inspect.signature(current, follow_wrapped=False)
            if not _has_var_args(signature):
                return signature
            fallback = fallback or signature
        inner = getattr(current, "__wrapped__", None)
        if inner is not None:
            pending.append(inner)
        for cell in getattr(current, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if inspect.isfunction(value) or hasattr(value, "__wrapped__"):
                pending.append(value)
    return fallback or inspect.signature(func)


def stub_endpoint(
    manager: type,
    methods: Iterable[str],
    answers: Mapping[str, Callable[..., Any]] | None = None,
) -> Any:
    """An endpoint with ``manager.target`` and ``methods`` at their real signatures.

    A method ``manager`` lacks (an older release's server) is left out, as the real server
    lacks it.  ``answers`` maps a method to a function called with the message's arguments (context
    first) whose result is the reply; other methods answer None.
    """
    answers = answers or {}
    namespace: dict[str, Any] = {"target": manager.target}
    for name in methods:
        if not hasattr(manager, name):
            continue
        signature = real_signature(getattr(manager, name), name)
        namespace[name] = _method(name, signature, answers.get(name))
    return type(f"{manager.__name__}Stub", (), namespace)()


def _method(
    name: str, signature: inspect.Signature, answer: Callable[..., Any] | None
) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        signature.bind(self, *args, **kwargs)  # TypeError as the real server would raise
        return answer(*args, **kwargs) if answer is not None else None

    method.__signature__ = signature  # type: ignore[attr-defined]
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Stub of the real server's {name}: accepts what it accepts."
    return method
