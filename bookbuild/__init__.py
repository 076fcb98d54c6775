"""Build machinery of the multi-backend book.

A chapter is written once, as a MyST Markdown notebook, and flows through two halves::

    chapters/<name>.md
      pipeline/   (python -m bookbuild execute, before Sphinx)
        split     one notebook per framework
        plan      each chapter x framework job and its cache key
        execute   each in a fresh kernel, cached by a hash of what can change its outputs
        learner   executed per-framework notebooks for learners to download
      sphinxext/  (the Sphinx extension, inside jupyter-book build)
        reader    each page's notebook, merged from the cache (merge)
        tabs      each group of framework cells becomes a synchronised tab set
        downloads, typography, navigation, offline

Beside them: :mod:`bookbuild.frameworks` (the registry of frameworks) and
:mod:`bookbuild.config` (the build's validated settings).
"""
