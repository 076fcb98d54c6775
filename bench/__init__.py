"""The build and training benchmark of the book (``make bench``; see ``bench/README.md``).

It copies the repository into a temporary directory and measures there: a clean build, a
no-op rebuild, rebuilds after a prose edit, a one-framework cell edit and a ``d2l_shim``
edit, the naive baseline (every notebook executed one after another, then the book built),
and the training loop's speed against a hand-written loop in each framework.
"""
