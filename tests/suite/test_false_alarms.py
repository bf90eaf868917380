"""Seeded false alarms: each class of false alarm the properties once raised on real projects.

Every test here failed on the code before the fix (commit 23810c3): a project's own
lazy-load error, a context needed to deserialize, a Set inside a child, a lazy-loading
``__repr__``, a project exception escaping a property, and a declared finding hiding
the next one.  The objects live in ``tests.suite.fa_project`` (no real project needed).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

import strategies
from compat_tests.failures import CompatFailure, Failure
from compat_tests.properties import (
    Subject,
    check_backport,
    check_indirection,
    check_roundtrip,
    check_upgrade,
)
from compat_tests.properties._compare import sets_sorted
from compat_tests.properties.access import OVO_ACCESS_ERRORS, discover_access_errors
from compat_tests.rebuild import OldNode
from compat_tests.schema import describe
from tests.rebuild._history import schema_at
from tests.suite.fa_project import exception
from tests.suite.fa_project import objects as fa

_OLDER = {"FaLazy": ["id"], "FaNeedsContext": ["id"], "FaLeaky": ["id", "b"]}


def _histories() -> dict[str, dict[str, dict[str, Any]]]:
    result = {
        name: {cls.VERSION: dict(describe(cls), inferred=False)} for name, cls in fa.CLASSES.items()
    }
    for name, names in _OLDER.items():
        result[name]["1.0"] = schema_at(fa.CLASSES[name], "1.0", names)
    return result


def _subject(name: str, **extra: Any) -> Subject:
    histories = _histories()

    def node(version: str) -> OldNode:
        return OldNode.for_version(histories, name, version, current=fa.CLASSES)

    return Subject(name=name, cls=fa.CLASSES[name], histories=histories, node=node, **extra)


def test_project_lazy_load_error_is_discovered_as_not_loadable_here() -> None:
    errors = discover_access_errors(["tests.suite.fa_project.objects"])
    assert set(errors) == {*OVO_ACCESS_ERRORS, exception.ObjectActionError, exception.NotFound}
    subject = _subject("FaLazy", access_errors=errors)
    old = subject.node("1.0").cls("FaLazy")(id=1)

    check_upgrade(subject, old)  # reading 'extra' lazy-loads and raises the project's error


def test_access_error_the_target_did_not_list_is_reported_with_the_field() -> None:
    subject = _subject("FaLazy")  # oslo's errors only
    old = subject.node("1.0").cls("FaLazy")(id=1)

    with pytest.raises(CompatFailure) as caught:
        check_upgrade(subject, old)

    failure = caught.value.failure
    assert (failure.code, failure.subject, failure.field) == ("upgrade.access", "FaLazy", "extra")
    assert "ObjectActionError" in failure.message


def test_target_context_reaches_the_indirection_deserialization() -> None:
    subject = _subject("FaNeedsContext", context=fa.CONTEXT)

    check_indirection(subject, fa.FaNeedsContext(id=1, host="h"), "1.0")


@settings(max_examples=20, deadline=None)
@given(obj=strategies.objects(fa.FaTopology, context=fa.CONTEXT))
def test_objects_and_their_children_are_generated_with_the_context(obj: Any) -> None:
    assert obj._context is fa.CONTEXT
    assert all(cell._context is fa.CONTEXT for cell in obj.cells)


def test_set_inside_a_child_in_a_list_compares_as_a_set() -> None:
    # The primitive's member order flips on every call; a single cell never lines up.
    topology = fa.FaTopology(cells=[fa.FaCell(id=1, cpus={1, 2, 3})])

    for _ in range(2):
        check_roundtrip(_subject("FaTopology"), topology)


def test_sets_sorted_reaches_children_in_lists_and_dicts() -> None:
    def child(members: list[int]) -> dict[str, Any]:
        return {
            "false-alarm-tests.object.name": "FaCell",
            "false-alarm-tests.object.version": "1.0",
            "false-alarm-tests.object.data": {"id": 1, "cpus": members},
        }

    subject = _subject("FaTopology")
    one = sets_sorted({"wrap": [child([3, 1, 2])]}, subject.descriptors)
    other = sets_sorted({"wrap": [child([2, 3, 1])]}, subject.descriptors)

    assert one == other
    assert one["wrap"][0]["false-alarm-tests.object.data"]["cpus"] == [1, 2, 3]


def test_a_finding_on_a_child_with_a_lazy_loading_repr_never_calls_repr() -> None:
    fa.repr_calls.clear()
    holder = fa.FaHolder(child=fa.FaLazyRepr(id=1, count=5))  # 'parent' unset: repr would load

    with pytest.raises(CompatFailure) as caught:
        check_roundtrip(_subject("FaHolder"), holder)

    assert fa.repr_calls == []
    failure = caught.value.failure
    assert (failure.code, failure.field) == ("roundtrip.mismatch", "child")
    assert "'count': 5" in failure.message and "'count': 6" in failure.message


def test_project_exception_inside_a_property_is_a_coded_finding_naming_the_loaded_field() -> None:
    with pytest.raises(CompatFailure) as caught:
        check_roundtrip(_subject("FaCrashy"), fa.FaCrashy(label="x"))

    failure = caught.value.failure
    assert (failure.code, failure.subject, failure.pair) == (
        "roundtrip.crash",
        "FaCrashy",
        "1.0->1.0",
    )
    assert failure.field == "sibling"
    assert failure.details["exception"] == "tests.suite.fa_project.exception.NotFound"
    assert isinstance(caught.value.__cause__, exception.NotFound)


def test_a_declared_finding_does_not_hide_the_next_one_in_the_same_example() -> None:
    seen: list[Failure] = []

    def declared(failure: Failure) -> bool:
        seen.append(failure)
        return failure.code == "backport.unknown-field"

    subject = _subject("FaLeaky", declared=declared)

    with pytest.raises(CompatFailure) as caught:
        check_backport(subject, fa.FaLeaky(id=1, b="kept?", new="leaks"), "1.0")

    assert [(f.code, f.field) for f in seen] == [
        ("backport.unknown-field", "new"),
        ("backport.lost-value", "b"),
    ]
    assert (caught.value.failure.code, caught.value.failure.field) == ("backport.lost-value", "b")


@settings(max_examples=30, deadline=None)
@given(
    obj=strategies.objects(
        fa.FaLazy,
        rules={("FaLazy", "extra"): strategies.FieldRule(always_set=True, never_none=True)},
    )
)
def test_a_guarantee_shapes_the_generated_objects(obj: Any) -> None:
    assert obj.obj_attr_is_set("extra") and obj.extra is not None


def _target_with(tmp_path: Any, guarantee: str) -> Any:
    from compat_tests.config import load_target

    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.ovo-compat.targets.fa]\n"
        'objects = ["tests.suite.fa_project.objects"]\n'
        "[[tool.ovo-compat.targets.fa.guarantees]]\n" + guarantee
    )
    return load_target(config, "fa")


def test_guarantees_are_read_with_their_reason_and_become_generation_rules(tmp_path: Any) -> None:
    from compat_tests.properties.guarantees import target_rules

    target = _target_with(
        tmp_path,
        'object = "FaLazy"\nfield = "extra"\nnever_none = true\n'
        'reason = "rows loaded from the DB always carry it"\n',
    )
    (guarantee,) = target.guarantees
    assert guarantee.reason == "rows loaded from the DB always carry it"
    rules = target_rules(target, fa.CLASSES)
    assert rules[("FaLazy", "extra")] == strategies.FieldRule(never_none=True)


@pytest.mark.parametrize(
    ("guarantee", "why"),
    [
        ('object = "FaLazy"\nfield = "gone"\nalways_set = true\n', "FaLazy has no field 'gone'"),
        ('object = "FaGone"\nfield = "id"\nalways_set = true\n', "no class 'FaGone'"),
        ('object = "FaLazy"\nfield = "id"\nnever_none = true\n', "FaLazy.id is not nullable"),
    ],
)
def test_a_stale_guarantee_fails_naming_it(tmp_path: Any, guarantee: str, why: str) -> None:
    from compat_tests.errors import ConfigError
    from compat_tests.properties.guarantees import target_rules

    target = _target_with(tmp_path, guarantee + 'reason = "r"\n')
    with pytest.raises(ConfigError, match="guarantees\\[0\\] is stale") as caught:
        target_rules(target, fa.CLASSES)
    assert why in str(caught.value)


def test_a_crash_names_the_field_the_projects_code_was_handling() -> None:
    from compat_tests.properties.subject import culprit_field

    def refuse(primitive: dict, field: str) -> None:
        raise exception.ObjectActionError(f"{field}={primitive[field]} not supported")

    try:
        refuse({"extra": "new"}, "extra")
    except exception.ObjectActionError as exc:
        assert culprit_field(exc, fa.FaLazy.fields) == "extra"
    assert culprit_field(KeyError("extra"), fa.FaLazy.fields) == "extra"
    assert culprit_field(KeyError("other"), fa.FaLazy.fields) is None
