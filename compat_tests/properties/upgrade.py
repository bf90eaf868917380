"""Properties 3 and 4: what an old node sends is readable by the current code and comes back."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from oslo_versionedobjects import exception as ovo_exception

from compat_tests.failures import CompatFailure, Failure, pointer
from compat_tests.properties._compare import dig, first_difference, normalized
from compat_tests.properties.backport import check_backport
from compat_tests.properties.subject import Subject

#: What reading an unset field may raise: OVO's documented "not set / cannot lazy-load" errors.
ACCESS_ERRORS: tuple[type[BaseException], ...] = (
    NotImplementedError,
    ovo_exception.ObjectActionError,
    ovo_exception.OrphanedObjectError,
)


def check_upgrade(subject: Subject, old_obj: Any, lower: Iterable[str] = ()) -> Any:
    """An old node's object (a rebuilt class instance) read and re-sent by the current code.

    ``old_obj.obj_to_primitive()`` must deserialize with the current class
    (``upgrade.unreadable``); every field of the result must read or raise one of
    `ACCESS_ERRORS` (``upgrade.access``); backporting it to the old version gives
    back the same primitive (``upgrade.rebackport``).  Then, for every version in
    ``lower`` (the every-pair property), the object is backported to it with
    `check_backport`, so one generated example serves all lower versions.
    Returns the object read by the current code.
    """
    version = str(old_obj.VERSION)
    pair = (version, subject.current)
    sent = old_obj.obj_to_primitive()
    try:
        new = subject.cls.obj_from_primitive(copy.deepcopy(sent), context=subject.context)
    except Exception as exc:
        raise CompatFailure(
            Failure(
                code="upgrade.unreadable",
                subject=subject.name,
                from_version=pair[0],
                to_version=pair[1],
                message=f"the current code cannot read what {version} sends: "
                f"{type(exc).__name__}: {exc}",
                details={"primitive": repr(sent)},
            )
        ) from exc
    sent_data = sent[subject.key("data")]
    for field_name in subject.cls.fields:
        try:
            getattr(new, field_name)
        except ACCESS_ERRORS:
            continue
        except Exception as exc:
            raise CompatFailure(
                Failure(
                    code="upgrade.access",
                    subject=subject.name,
                    from_version=pair[0],
                    to_version=pair[1],
                    field=field_name,
                    location=pointer(subject.key("data"), field_name),
                    message=(
                        f"reading {field_name!r} of an object sent by {version} (which "
                        f"{'sent it' if field_name in sent_data else 'did not send it'}) "
                        f"raised {type(exc).__name__}: {exc}; the current code must tolerate "
                        "fields old nodes never send (default them or raise NotImplementedError)"
                    ),
                )
            ) from exc
    manifest = subject.manifest(version) if subject.needs_manifest() else None
    back = new.obj_to_primitive(target_version=version, version_manifest=manifest)
    path = first_difference(normalized(sent), normalized(back))
    if path is not None:
        raise CompatFailure(
            Failure(
                code="upgrade.rebackport",
                subject=subject.name,
                from_version=pair[0],
                to_version=pair[1],
                field=str(path[1]) if len(path) > 1 else None,
                location=pointer(*path),
                message=(
                    f"sent {dig(normalized(sent), path)!r} but the current code sends "
                    f"{dig(normalized(back), path)!r} back to {version}"
                ),
            )
        )
    for older in lower:
        check_backport(subject, new, older)
    return new
