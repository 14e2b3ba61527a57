"""`python -m aidant_desk.cli`: the aidant-desk command."""
import sys

from . import main

sys.exit(main())
