"""False alarms the suite once raised on real Neutron, pinned with their counterexamples."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import fixtures
import netaddr

from compat_tests.cases import ObjectSuite
from compat_tests.config import load_target
from compat_tests.discover import Catalog
from compat_tests.properties import check_upgrade
from compat_tests.snapshots import SnapshotStore

# The sample target's Port sits in OVO's global registry under the same name as Neutron's
# (which lives in Neutron's own registry): old nodes must still be built from Neutron's.
importlib.import_module("tests.sample.objects")

_PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# Found by the dev profile: a Set's members came back in another order after the re-read.
_SECURITY_GROUPS = [
    "ed2badb5-ee0a-39d3-76f8-309633c63d8a",
    "634f7176-daaf-f4ea-93cf-c0e4de1ac488",
    "72d42d9d-0c94-4b06-e7ca-5714027841a6",
    "fee0fc9b-ed3d-f444-1a56-6dd18a1fc85a",
    "ac443e45-795e-5506-6e8c-4d000aed3077",
]


def test_upgrade_ignores_the_order_of_set_members() -> None:
    target = load_target(_PYPROJECT, "neutron")
    with fixtures.Fixture() as run:
        for ref in target.fixtures:
            run.useFixture(pkgutil.resolve_name(ref)())
        classes = Catalog.load(target).classes
        suite = ObjectSuite(target, classes, SnapshotStore(target.snapshots))
        subject = suite.subject("Port")
        old_port = subject.node("1.8").cls("Port")
        for order in (_SECURITY_GROUPS, list(reversed(_SECURITY_GROUPS))):
            sent = old_port(
                id="ce5dc35d-a44f-7b53-79e6-bc22c0e7f0f7",
                network_id="856798f6-bf74-776d-485f-3685caa72322",
                mac_address=netaddr.EUI("00:00:00:00:00:00"),
                admin_state_up=False,
                device_id="",
                device_owner="",
                status="",
                revision_number=0,
                security_group_ids=set(order),
            )
            check_upgrade(subject, sent, ())
