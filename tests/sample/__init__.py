"""The sample target: Neutron-like objects with a recorded version history."""
