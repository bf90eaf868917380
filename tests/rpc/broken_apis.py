"""Broken variants of the sample RPC API, named by `tests.rpc.test_generic` configurations."""

from __future__ import annotations

import dataclasses

from tests.rpc.test_gallery import NoCanSendVersion
from tests.sample.rpc import SAMPLE_RPC

NO_CAN_SEND_VERSION = dataclasses.replace(
    SAMPLE_RPC, client=lambda transport, cap: NoCanSendVersion(transport)
)
NOT_AN_API = object()
