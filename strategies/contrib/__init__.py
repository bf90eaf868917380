"""Ready-made field strategies for projects built on oslo.versionedobjects.

Each submodule registers strategies for one project's custom field types when
imported; name it in a target's ``strategies`` list, e.g.
``strategies = ["strategies.contrib.neutron"]``.
"""
