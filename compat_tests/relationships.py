"""Child versions from ``obj_relationships``, and walks over the class hierarchy.

Defined once in ``strategies._ovo`` (the strategies need them and may not import
``compat_tests``); this is their name inside ``compat_tests``.

``obj_relationships`` maps a field to ``[(parent_version, child_version), ...]``:
a parent sent at version P carries the child at the version of the newest entry
whose parent version is at most P.
"""

from __future__ import annotations

from strategies._ovo import all_subclasses, child_version

__all__ = ["all_subclasses", "child_version"]
