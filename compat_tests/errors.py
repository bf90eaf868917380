"""Exceptions raised by ovo-compat for bad input.

Every error says what happened and what to do about it; callers never get a
bare ``KeyError`` or a silent pass for a malformed configuration, snapshot or
registry.
"""

from __future__ import annotations


class OvoCompatError(Exception):
    """Base class of every error ovo-compat raises for bad input."""


class ConfigError(OvoCompatError):
    """The target configuration is malformed or names something missing."""


class SnapshotError(OvoCompatError):
    """A snapshot file is malformed, or a write would rewrite history."""


class DiscoveryError(OvoCompatError):
    """The target's object modules or registry could not be imported."""
