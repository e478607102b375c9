"""python -m python.reference: see python.reference.command."""

import sys

from python.reference.command import main

sys.exit(main())
