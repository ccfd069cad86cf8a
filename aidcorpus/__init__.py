"""`python -m aidcorpus`: the same command line as the `aidcorpus` script (corpus/cli.py)."""
