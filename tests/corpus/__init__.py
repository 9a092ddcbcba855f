"""The corpus of malformed deliveries: each case breaks one thing in a copy of a valid seed delivery.

`cases.py` lists the cases (what to copy, how to break it, the exact message expected);
`steps.py` holds the operations a case is made of and builds a case's data tree.
`tests/test_corpus.py` runs them.
"""
