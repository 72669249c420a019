"""``python -m coi`` runs the command line."""

import sys

from coi.cli import main

sys.exit(main())
