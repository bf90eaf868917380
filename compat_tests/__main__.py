"""``python -m compat_tests``: the ``ovo-compat`` command without its console script."""

from compat_tests.cli import main

raise SystemExit(main())
