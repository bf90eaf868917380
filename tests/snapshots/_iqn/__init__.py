"""A vendor package with a custom field type (IQN) that only a registered strategy can fill."""
