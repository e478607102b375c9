"""python -m python.training: see python.training.command."""

import sys

from python.training.command import main

sys.exit(main())
