"""The vendor's strategies module: the only place that knows what an IQN looks like."""

from hypothesis import strategies as st

from strategies import register_field_strategy
from tests.snapshots._iqn.objects import IQN

register_field_strategy(
    IQN, st.from_regex(r"iqn\.20[0-9]{2}-0[1-9]\.com\.example:[a-z0-9]{1,8}", fullmatch=True)
)
