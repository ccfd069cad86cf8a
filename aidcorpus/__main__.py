"""`python -m aidcorpus ...` runs `aidcorpus ...`."""

import sys

from corpus.cli import main

sys.exit(main())
