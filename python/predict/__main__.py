"""python -m python.predict: see python.predict.command."""

import sys

from python.predict.command import main

sys.exit(main())
