"""Build machinery of the multi-backend book.

A chapter is written once, as a MyST Markdown notebook, and flows through stages that each
live in a module of their own::

    chapters/<name>.md
      -> split      one notebook per framework (mxnet, pytorch, tensorflow)
      -> execute    each in a fresh kernel, cached by a hash of what can change its outputs
      -> notebooks  executed per-framework notebooks for learners to download
      -> merge      one notebook whose code cells know their framework and tab group
      -> tabs       a Sphinx transform that turns each group into a synchronised tab set
      -> HTML       rendered by Jupyter Book (MyST-NB reads the merged notebook via ``reader``)

``python -m bookbuild execute`` runs the first three stages; ``jupyter-book build`` runs the
rest through the Sphinx extension :mod:`bookbuild.sphinx`.
"""
