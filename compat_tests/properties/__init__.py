"""The compatibility properties, as plain functions usable from any test runner.

Each property takes generated data plus a `Subject` (the class under test, its
recorded history and a way to get an old node) and raises
`compat_tests.failures.CompatFailure` with a stable code when compatibility is
broken.  They never generate data themselves: `compat_tests.cases` pairs them
with the strategies.
"""

from compat_tests.properties.access import discover_access_errors, target_access_errors
from compat_tests.properties.backport import check_backport, check_manifest_backport
from compat_tests.properties.indirection import check_indirection
from compat_tests.properties.roundtrip import check_roundtrip
from compat_tests.properties.shown import Shown, describe
from compat_tests.properties.subject import Subject
from compat_tests.properties.upgrade import check_upgrade

__all__ = [
    "Shown",
    "Subject",
    "check_backport",
    "check_indirection",
    "check_manifest_backport",
    "check_roundtrip",
    "check_upgrade",
    "describe",
    "discover_access_errors",
    "target_access_errors",
]
