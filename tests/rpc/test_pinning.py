from __future__ import annotations

import oslo_messaging
import pytest
from oslo_config import cfg
from oslo_messaging import conffixture

from compat_tests import pinning
from compat_tests.errors import ConfigError
from tests.sample.rpc import SecurityGroupAgentClient

RELEASES = {"yoga": "1.1", "zed": "1.2"}


@pytest.fixture
def conf():
    conf = cfg.ConfigOpts()
    fixture = conffixture.ConfFixture(conf)
    fixture.setUp()
    pinning.register_upgrade_levels(conf, ["sg_agent"])
    yield conf
    fixture.cleanUp()


@pytest.mark.parametrize(
    ("value", "cap"), [(None, None), ("1.3", "1.3"), ("zed", "1.2"), ("YOGA", "1.1")]
)
def test_version_cap_reads_versions_and_aliases(conf, value, cap):
    conf.set_override("sg_agent", value, group="upgrade_levels")
    assert pinning.version_cap(conf, "sg_agent", RELEASES) == cap


def test_unknown_alias_names_option_and_known_aliases(conf):
    conf.set_override("sg_agent", "antelope", group="upgrade_levels")
    with pytest.raises(ConfigError, match=r"\[upgrade_levels\] sg_agent = 'antelope'.*yoga, zed"):
        pinning.version_cap(conf, "sg_agent", RELEASES)


def test_unregistered_option_says_how_to_register(conf):
    with pytest.raises(ConfigError, match="register_upgrade_levels"):
        pinning.version_cap(conf, "l3_agent")


def test_capped_client_refuses_versions_above_the_cap(conf):
    conf.set_override("sg_agent", "yoga", group="upgrade_levels")
    transport = oslo_messaging.get_rpc_transport(conf, url="fake:/")
    client = pinning.capped_client(
        transport,
        oslo_messaging.Target(topic="t"),
        conf=conf,
        name="sg_agent",
        releases=RELEASES,
    )
    assert client.version_cap == "1.1"
    assert client.can_send_version("1.1") and not client.can_send_version("1.2")


def test_pin_client_caps_a_wrapper_that_built_its_own_client(conf):
    transport = oslo_messaging.get_rpc_transport(conf, url="fake:/")
    wrapper = SecurityGroupAgentClient(transport)
    assert wrapper.client.can_send_version("1.3")
    pinning.pin_client(wrapper, "1.1")
    assert wrapper.client.version_cap == "1.1"
    assert not wrapper.client.can_send_version("1.2")


def test_pin_client_explains_a_missing_client_attribute():
    with pytest.raises(ConfigError, match="client_attr"):
        pinning.pin_client(object(), "1.0")
