"""Current object classes of the sample target (imported to register them)."""

from tests.sample.objects import network, port, security_group, subnet  # noqa: F401
