"""Ready-made target adapters (context factories, fixtures, RPC API descriptions).

Each subpackage serves one real project and is referenced from that project's target
configuration, e.g. ``context = "compat_tests.contrib.neutron:context"``.
"""
