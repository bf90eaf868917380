"""The Neutron target adapter: context factory, config, database and transport fixtures."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import fixtures
import netaddr
import pytest
from neutron.api.rpc.handlers import securitygroups_rpc
from neutron.objects import securitygroup
from neutron_lib import context as n_context
from neutron_lib import rpc as n_rpc
from oslo_config import cfg
from oslo_db import exception as db_exception

from compat_tests.config import load_target
from compat_tests.contrib.neutron import (
    FakeRpcTransport,
    NeutronConfig,
    NeutronDatabase,
    context,
    environment,
    import_all_objects,
)
from compat_tests.errors import DiscoveryError

_PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
_GROUP = "e3e70682-c209-4cac-629f-6fbed82c07cd"
_RULE = "f728b4fa-4248-5e3a-0a5d-2f346baa9455"


def test_context_is_an_admin_context_that_survives_the_rpc_context_round_trip():
    ctx = context()
    assert isinstance(ctx, n_context.Context)
    assert ctx.is_admin
    assert n_context.Context.from_dict(ctx.to_dict()).is_admin


def test_neutron_config_parses_an_unparsed_conf_only_for_its_lifetime():
    conf = cfg.ConfigOpts()
    with pytest.raises(cfg.NotInitializedError):
        conf.find_file("policy.yaml")
    with NeutronConfig(conf):
        assert conf.find_file("policy.yaml") is None
        assert conf.project == "neutron"
    with pytest.raises(cfg.NotInitializedError):
        conf.find_file("policy.yaml")


def test_neutron_config_leaves_a_parsed_conf_parsed_and_drops_overrides():
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt("host", default="here"))
    conf([], project="someone-else", default_config_files=[], default_config_dirs=[])
    with NeutronConfig(conf):
        conf.set_override("host", "elsewhere")
        assert conf.host == "elsewhere"
    assert conf.project == "someone-else"
    assert conf.host == "here"


def test_fake_transport_lets_neutron_build_its_uncapped_rpc_clients():
    before = n_rpc.TRANSPORT
    with FakeRpcTransport() as transport:
        assert n_rpc.TRANSPORT is transport.transport
        api = securitygroups_rpc.SecurityGroupServerRpcApi("q-plugin")
        assert api.client.target.topic == "q-plugin"
        assert api.client.version_cap is None
    assert n_rpc.TRANSPORT is before


def test_import_all_objects_imports_modules_nothing_else_imports():
    names = import_all_objects()
    assert "neutron.objects.qos.binding" in names
    assert names == sorted(names)


def test_import_all_objects_names_a_missing_package_and_the_fix():
    with pytest.raises(DiscoveryError, match=r"'no_such_neutron_pkg'.*pip install neutron"):
        import_all_objects("no_such_neutron_pkg")


def test_import_all_objects_names_the_module_that_fails(tmp_path, monkeypatch):
    package = tmp_path / "brokenobjs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "bad.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(DiscoveryError, match=r"'brokenobjs\.bad'.*RuntimeError: boom"):
        import_all_objects("brokenobjs")


def test_fixtures_compose_with_use_fixture():
    class _Both(fixtures.Fixture):
        def _setUp(self):
            self.config = self.useFixture(NeutronConfig(cfg.ConfigOpts()))
            self.transport = self.useFixture(FakeRpcTransport(self.config.conf))

    with _Both() as both:
        assert n_rpc.TRANSPORT is both.transport.transport


def _shared_group_with_a_rule() -> None:
    """Write a security group shared with everyone and one rule of it, as Neutron's server would."""
    ctx = context()
    group = securitygroup.SecurityGroup(ctx, id=_GROUP, project_id="owner", name="web")
    group.create()
    securitygroup.SecurityGroupRule(
        ctx,
        id=_RULE,
        security_group_id=_GROUP,
        project_id="owner",
        direction="ingress",
        ethertype="IPv4",
        remote_ip_prefix=netaddr.IPNetwork("10.0.0.1/24"),
    ).create()
    securitygroup.SecurityGroupRBAC(
        ctx, object_id=_GROUP, project_id="owner", action="access_as_shared", target_project="*"
    ).create()


def test_database_lets_lazy_loads_of_unsent_synthetic_fields_query_neutrons_tables():
    with NeutronConfig(), NeutronDatabase():
        _shared_group_with_a_rule()
        # Objects as a receiver builds them: only ids, another context.
        group = securitygroup.SecurityGroup(context(), id=_GROUP, project_id="someone-else")
        rule = securitygroup.SecurityGroupRule(context(), id=_RULE)
        assert group.shared is True
        assert rule.normalized_cidr == netaddr.IPNetwork("10.0.0.0/24")


def test_each_database_starts_empty():
    with NeutronConfig():
        with NeutronDatabase():
            _shared_group_with_a_rule()
        with NeutronDatabase():
            group = securitygroup.SecurityGroup(context(), id=_GROUP, project_id="someone-else")
            assert group.shared is False


def test_database_cleanup_puts_the_previous_engine_configuration_back():
    with NeutronConfig():
        with NeutronDatabase():
            assert securitygroup.SecurityGroup(context(), id=_GROUP).shared is False
        with pytest.raises(db_exception.CantStartEngineError):
            securitygroup.SecurityGroup(context(), id=_GROUP).shared  # noqa: B018


def test_database_names_the_missing_models_and_the_fix(monkeypatch):
    monkeypatch.setattr(environment, "_MODELS", "no_such_neutron_pkg.models")
    with pytest.raises(DiscoveryError, match=r"no_such_neutron_pkg\.models.*pip install neutron"):
        NeutronDatabase()


def test_neutron_target_gives_its_context_a_working_database():
    """Set the target up as the plugin does: its fixtures in order, then its context factory."""
    target = load_target(_PYPROJECT, "neutron")
    with fixtures.Fixture() as run:
        for ref in target.fixtures:
            run.useFixture(pkgutil.resolve_name(ref)())
        ctx = pkgutil.resolve_name(target.context)()
        sent = securitygroup.SecurityGroup(ctx, id=_GROUP).obj_to_primitive(target_version="1.4")
        received = securitygroup.SecurityGroup.obj_from_primitive(sent, ctx)
        assert "shared" not in sent["versioned_object.data"]
        assert received.shared is False
