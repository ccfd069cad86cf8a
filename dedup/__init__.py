"""Article text -> Verdict: exact hash, MinHash LSH reposts, template guard, shared passages.

No I/O but its own index files; imports nothing else of aidcorpus.
"""
