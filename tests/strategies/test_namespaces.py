"""Two projects in one process: children are resolved in the owner's namespace only.

Wart of issue 12: tests/nova and tests/suite in one pytest process failed 4 wire tests.
OVO's registry is one table per process, keyed by object name, and it *replaces* a class
by a later one of the same name and version whatever its project; the subclass walk of
``subclasses=True`` fields looked at every class of that name in the process.  So Nova's
``SecurityGroupList`` got the sample's ``SecurityGroup`` and Nova could not read it.
Here two throwaway projects play Nova and the sample.
"""

from __future__ import annotations

from hypothesis import given, settings
from oslo_versionedobjects import base, fields

from strategies import objects


class _Nova(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "ns-test-nova"


class _Sample(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "ns-test-sample"


@base.VersionedObjectRegistry.register
class NsGroup(_Nova):
    VERSION = "1.2"
    fields = {"name": fields.StringField()}


@base.VersionedObjectRegistry.register
class NsDevice(_Nova):
    VERSION = "1.0"
    fields = {"bus": fields.StringField()}


@base.VersionedObjectRegistry.register
class NsDisk(NsDevice):
    VERSION = "1.0"
    fields = {**NsDevice.fields, "serial": fields.StringField()}


@base.VersionedObjectRegistry.register
class NsGroupList(_Nova, base.ObjectListBase):
    VERSION = "1.0"
    fields = {
        "objects": fields.ListOfObjectsField("NsGroup"),
        "devices": fields.ListOfObjectsField("NsDevice", subclasses=True),
    }


# The other project, imported later: same names, same version.
class _SampleGroup(_Sample):
    VERSION = "1.2"
    fields = {"label": fields.IntegerField()}

    @classmethod
    def obj_name(cls) -> str:
        return "NsGroup"


class _SampleDevice(_Sample):
    VERSION = "1.0"
    fields = {"bus": fields.StringField()}

    @classmethod
    def obj_name(cls) -> str:
        return "NsDevice"


class _SampleNic(_SampleDevice):
    VERSION = "1.0"
    fields = {**_SampleDevice.fields, "mac": fields.StringField()}

    @classmethod
    def obj_name(cls) -> str:
        return "NsNic"


for _cls in (_SampleGroup, _SampleDevice, _SampleNic):
    base.VersionedObjectRegistry.register(_cls)


def test_the_other_project_displaced_the_owner_class_in_ovo_registry() -> None:
    # The precondition of the wart: OVO's own lookup now answers with the other project.
    assert NsGroupList.obj_class_from_name("NsGroup", "1.2") is _SampleGroup


@settings(max_examples=25, database=None)
@given(objects(NsGroupList))
def test_children_come_from_the_owner_namespace(holder: NsGroupList) -> None:
    for child in holder.objects:
        assert type(child) is NsGroup, type(child)
    for device in holder.devices:
        # NsNic subclasses the *other* project's NsDevice: never a candidate here.
        assert type(device) in (NsDevice, NsDisk), type(device)
        assert device.OBJ_PROJECT_NAMESPACE == "ns-test-nova"
