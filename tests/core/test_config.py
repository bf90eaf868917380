"""Reading targets from TOML: the contract users write against."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat_tests.config import load_target, target_names
from compat_tests.errors import ConfigError

FULL = """
[tool.ovo-compat.targets.myservice]
objects = ["myservice.objects"]
registry = "myservice.objects.base:MyObjectRegistry"
snapshots = "snapshots/myservice"
strategies = ["myservice.tests.compat_strategies"]
context = "myservice.tests.compat:make_context"
rpc = ["myservice.tests.compat:AGENT_API"]

[tool.ovo-compat.targets.myservice.support]
default = "1.0"
Port = "1.8"

[[tool.ovo-compat.targets.myservice.exceptions]]
object = "Port"
code = "backport.value-changed"
versions = "1.11->1.8"
field = "binding"
reason = "1.8 readers cannot represent multiple bindings"

[[tool.ovo-compat.targets.myservice.transforms]]
object = "Network"
field = "mtu"
reason = "clamped for old agents"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_full_target_is_parsed(tmp_path: Path) -> None:
    target = load_target(_write(tmp_path, FULL))
    assert target.name == "myservice"
    assert target.objects == ("myservice.objects",)
    assert target.registry == "myservice.objects.base:MyObjectRegistry"
    assert target.snapshots == (tmp_path / "snapshots/myservice").resolve()
    assert target.strategies == ("myservice.tests.compat_strategies",)
    assert target.rpc == ("myservice.tests.compat:AGENT_API",)
    assert target.oldest_supported("Port") == "1.8"
    assert target.oldest_supported("Network") == "1.0"
    assert target.is_transformed("Network", "mtu", "1.3", "1.1")
    assert not target.is_transformed("Network", "name", "1.3", "1.1")
    (declared,) = target.exceptions
    assert declared.matches("Port", "backport.value-changed", "1.11", "1.8", "binding")
    assert not declared.matches("Port", "backport.value-changed", "1.11", "1.9", "binding")
    assert not declared.matches("Subnet", "backport.value-changed", "1.11", "1.8", "binding")


def test_single_target_needs_no_name_but_several_do(tmp_path: Path) -> None:
    path = _write(tmp_path, FULL + '\n[tool.ovo-compat.targets.other]\nobjects = ["x"]\n')
    assert target_names(path) == ["myservice", "other"]
    with pytest.raises(ConfigError, match="choose one with --target"):
        load_target(path)
    assert load_target(path, "other").snapshots == (tmp_path / "snapshots/other").resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.ovo-compat.targets.t]\nobjects = ["m"]\nobjetcs = 1\n', "unknown key.*objetcs"),
        ("[tool.ovo-compat.targets.t]\nregistry = 'a:B'\n", "missing required key 'objects'"),
        ('[tool.ovo-compat.targets.t]\nobjects = ["m"]\nregistry = "nocolon"\n', "'registry'"),
        (
            '[tool.ovo-compat.targets.t]\nobjects = ["m"]\n[tool.ovo-compat.targets.t.support]\n'
            'Port = "1.x"\n',
            "Port = '1.x'",
        ),
        (
            '[tool.ovo-compat.targets.t]\nobjects = ["m"]\n'
            '[[tool.ovo-compat.targets.t.exceptions]]\nobject = "Port"\n',
            r"exceptions\[0\]: 'reason' is required",
        ),
        ("[tool.ovo-compat]\ntargets = {}\n", "defines no targets"),
        ("[tool.ovo-compat.targets.t\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_target(_write(tmp_path, text))


def test_unknown_target_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no target named 'nope' \(defined: myservice\)"):
        load_target(_write(tmp_path, FULL), "nope")


def _with_release(tmp_path: Path, objects: dict[str, str], rpc: dict[str, str]) -> None:
    from compat_tests.releases import Release, ReleaseStore

    release = Release("myservice", "25.2.3", objects=objects, rpc=rpc)
    target = load_target(tmp_path / "pyproject.toml")
    ReleaseStore(target.snapshots).merge(release)


def test_support_release_sets_each_oldest_supported_version_from_its_manifest(
    tmp_path: Path,
) -> None:
    text = FULL.replace('Port = "1.8"', 'Port = "1.8"\nrelease = "myservice 25.2.3"')
    _write(tmp_path, text)
    _with_release(tmp_path, {"Port": "1.6", "Network": "1.3"}, {"AgentApi": "1.4"})
    target = load_target(tmp_path / "pyproject.toml")
    assert target.support_release == "myservice 25.2.3"
    assert "release" not in target.support
    assert target.oldest_supported("Port") == "1.8"  # a NAME entry wins over the release
    assert target.oldest_supported("Network") == "1.3"  # the release's version
    assert target.oldest_supported("AgentApi") == "1.4"  # RPC APIs alike
    assert target.oldest_supported("NewClass") == "1.0"  # not shipped then: default


def test_support_release_that_is_not_recorded_says_how_to_record_it(tmp_path: Path) -> None:
    text = FULL.replace('Port = "1.8"', 'release = "myservice 25.2.3"')
    target = load_target(_write(tmp_path, text))
    with pytest.raises(ConfigError) as info:
        target.oldest_supported("Network")
    message = str(info.value)
    assert "release = 'myservice 25.2.3'" in message
    assert "myservice-25.2.3.json does not exist" in message
    assert "ovo-compat snapshot --release 'myservice==25.2.3 ...'" in message


def test_support_release_must_name_distribution_and_version(tmp_path: Path) -> None:
    text = FULL.replace('Port = "1.8"', 'release = "myservice==25.2.3"')
    with pytest.raises(ConfigError, match='must name a recorded release as "DISTRIBUTION VERSION"'):
        load_target(_write(tmp_path, text))
