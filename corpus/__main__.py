"""`python -m corpus` runs the `aidcorpus` command (`python -m aidcorpus` does too)."""

import sys

from corpus.cli import main

sys.exit(main())
