"""A seeded rolling-upgrade plan: which node is upgraded at which step.

`draw_plan` draws the order from a seed (servers first when the target says
``server_first``), so ``--seed N`` replays the same plan, and the same traffic: every
mixed state carries its own traffic seed drawn from the plan's seed.  `Plan.render`
is what ``ovo-compat upgrade`` prints before anything runs.
"""

from __future__ import annotations

import random
import shlex
from dataclasses import dataclass

from compat_tests.upgrade.config import UpgradeConfig

__all__ = ["Node", "Plan", "State", "draw_plan", "new_seed"]

_SEED_BITS = 32


@dataclass(frozen=True)
class Node:
    """One process of the deployment: its name and role."""

    name: str
    role: str
    server: bool = False


@dataclass(frozen=True)
class State:
    """The deployment after ``step`` upgrades (0: every node old): who runs the new code."""

    step: int
    upgraded: frozenset[str]
    seed: int

    def is_new(self, node: str) -> bool:
        """Tell whether ``node`` runs the new release in this state."""
        return node in self.upgraded


@dataclass(frozen=True)
class Plan:
    """Nodes, the order they are upgraded in, and the seed that drew it."""

    seed: int
    nodes: tuple[Node, ...]
    order: tuple[str, ...]
    state_seeds: tuple[int, ...]
    server_first: bool = False

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        return next(n for n in self.nodes if n.name == name)

    def states(self) -> list[State]:
        """Every state, from all-old (step 0) to all-new (the last step)."""
        return [
            State(step, frozenset(self.order[:step]), self.state_seeds[step])
            for step in range(len(self.order) + 1)
        ]

    def render(self, old: str, new: str, replay: list[str] | None = None) -> str:
        """The plan as printed before it runs: nodes, steps, mixed states, how to replay."""
        lines = [f"ovo-compat upgrade plan (seed {self.seed}): {old} -> {new}"]
        roles = ", ".join(
            n.name + (f" ({n.role})" if n.role != n.name else "") + (" [server]" * n.server)
            for n in self.nodes
        )
        lines.append(f"  nodes:  {roles}")
        order = "servers first (target setting server_first)" if self.server_first else "any"
        lines.append(f"  order:  {order}")
        for state in self.states():
            if state.step == 0:
                what = f"start every node on {old}"
            else:
                what = f"upgrade {self.order[state.step - 1]} ({old} -> {new})"
            new_nodes = [n.name for n in self.nodes if state.is_new(n.name)]
            old_nodes = [n.name for n in self.nodes if not state.is_new(n.name)]
            mix = f"new: {', '.join(new_nodes) or '-'}; old: {', '.join(old_nodes) or '-'}"
            lines.append(f"  step {state.step}: {what}; then traffic [{mix}]")
        if replay:
            lines.append(f"  replay: {shlex.join(replay)}")
        return "\n".join(lines)


def new_seed() -> int:
    """A fresh plan seed (printed with the plan, so any run can be replayed)."""
    return random.SystemRandom().getrandbits(_SEED_BITS)


def draw_plan(config: UpgradeConfig, seed: int) -> Plan:
    """The plan seed ``seed`` draws for ``config``'s roles (the same seed, the same plan)."""
    rng = random.Random(seed)
    nodes = tuple(
        Node(name, role.name, role.server) for role in config.roles for name in role.node_names()
    )
    if config.server_first:
        groups = [[n.name for n in nodes if n.server], [n.name for n in nodes if not n.server]]
    else:
        groups = [[n.name for n in nodes]]
    order: list[str] = []
    for group in groups:
        rng.shuffle(group)
        order += group
    state_seeds = tuple(rng.getrandbits(_SEED_BITS) for _ in range(len(order) + 1))
    return Plan(seed, nodes, tuple(order), state_seeds, server_first=config.server_first)
