"""A tiny project whose objects raise their own errors, for the false-alarm tests."""
