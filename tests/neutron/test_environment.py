"""The Neutron target adapter: context factory, config and transport fixtures, discovery."""

from __future__ import annotations

import fixtures
import pytest
from neutron.api.rpc.handlers import securitygroups_rpc
from neutron_lib import context as n_context
from neutron_lib import rpc as n_rpc
from oslo_config import cfg

from compat_tests.contrib.neutron import (
    FakeRpcTransport,
    NeutronConfig,
    context,
    import_all_objects,
)
from compat_tests.errors import DiscoveryError


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
