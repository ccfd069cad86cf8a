"""aidcorpus package."""
