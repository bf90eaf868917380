"""A tiny object model for the snapshot tests, in its own isolated registry."""

from tests.snapshots._objs import network  # noqa: F401  (registers the classes)
