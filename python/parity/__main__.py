"""python -m python.parity: see python.parity.command."""

import sys

from python.parity.command import main

sys.exit(main())
