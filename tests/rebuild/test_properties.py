"""Property tests: rebuilt classes parse what current code sends, value for value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import strategies
from compat_tests.rebuild import OldNode, build_field
from compat_tests.schema import describe_field
from tests.rebuild import _objs
from tests.rebuild._history import CURRENT, histories
from tests.rebuild.test_build_field import FIELDS


def _normalised(primitive: Any) -> Any:
    # "changes" are left out: OVO keeps a child's changes list as it was before the
    # parent backported the child's data (it may name dropped fields), and every reader
    # filters it by its own fields.
    if isinstance(primitive, dict):
        return {
            key: _normalised(value)
            for key, value in primitive.items()
            if not key.endswith(".changes")
        }
    if isinstance(primitive, list):
        return [_normalised(item) for item in primitive]
    return primitive


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@given(data=st.data())
def test_old_node_parses_backported_primitive_losslessly(version, data):
    widget = data.draw(strategies.objects(_objs.RbWidget))
    sent = json.loads(json.dumps(widget.obj_to_primitive(target_version=version)))
    node = OldNode.for_version(histories(), "RbWidget", version, current=CURRENT)

    old = node.cls("RbWidget").obj_from_primitive(sent)

    assert _normalised(old.obj_to_primitive()) == _normalised(sent)


# Object-valued fields need registered classes: the node test above covers them.
_VALUE_FIELDS = sorted(name for name in FIELDS if "object" not in name)


@pytest.mark.parametrize("name", _VALUE_FIELDS)
@given(data=st.data())
def test_rebuilt_field_serializes_values_like_the_original(name, data):
    original = FIELDS[name]
    assert_serializes_like_the_original(
        original, name, data.draw(strategies.field_values(original))
    )


def assert_serializes_like_the_original(original: Any, name: str, value: Any) -> None:
    """The field rebuilt from ``original``'s descriptor coerces and serializes ``value`` alike."""
    rebuilt = build_field(describe_field(original))
    ours = rebuilt.to_primitive(None, name, rebuilt.coerce(None, name, value))
    theirs = original.to_primitive(None, name, original.coerce(None, name, value))
    assert ours == theirs
