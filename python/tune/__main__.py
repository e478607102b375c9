"""python -m python.tune: see python.tune.command."""

import sys

from python.tune.command import main

sys.exit(main())
