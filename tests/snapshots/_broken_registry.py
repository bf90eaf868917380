"""A module that fails on import, standing in for a registry module with a bug."""

raise RuntimeError("registry module exploded on import")
