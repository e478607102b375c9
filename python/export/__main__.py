"""python -m python.export: see python.export.command."""

import sys

from python.export.command import main

sys.exit(main())
