"""python -m python.bench: see python.bench.command."""

import sys

from python.bench.command import main

sys.exit(main())
