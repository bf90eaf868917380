"""describe() and the fingerprint on Neutron's own objects and neutron-lib's field types."""

from __future__ import annotations

import json

import pytest
from neutron_lib.objects import common_types
from oslo_versionedobjects import fields

from compat_tests.schema import describe, describe_field, fingerprint


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            common_types.PortRangeField(),
            {
                "type": "PortRange",
                "class": "neutron_lib.objects.common_types.PortRange",
                "params": {"start": 1, "end": 65535},
                "nullable": False,
            },
        ),
        (
            common_types.IPVersionEnumField(),
            {
                "type": "IPVersionEnum",
                "class": "neutron_lib.objects.common_types.IPVersionEnum",
                "valid_values": [4, 6],
                "nullable": False,
            },
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, fields.Field) else "",
)
def test_describe_field(field: fields.Field, expected: dict) -> None:
    assert describe_field(field) == expected


def _neutron_hash_list() -> dict[str, str]:
    # neutron's own test module needs oslotest to import; read its literal hash list instead.
    import ast
    from pathlib import Path

    import neutron

    source = Path(neutron.__file__).parent / "tests" / "unit" / "objects" / "test_objects.py"
    tree = ast.parse(source.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "object_data":
            return ast.literal_eval(node.value)
    raise AssertionError("neutron's object_data hash list not found")


def test_fingerprint_and_describe_agree_with_neutrons_committed_hash_list() -> None:
    import neutron.objects
    from neutron.objects.base import NeutronObjectRegistry

    neutron.objects.register_objects()
    expected = _neutron_hash_list()
    classes = NeutronObjectRegistry.obj_classes()
    assert len(classes) >= 100
    actual = {name: fingerprint(versions[0]) for name, versions in classes.items()}
    assert actual == {name: expected.get(name) for name in classes}
    for versions in classes.values():
        json.dumps(describe(versions[0]))
