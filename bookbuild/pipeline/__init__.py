"""The stages before Sphinx: plan, split, execute (cached), learner notebooks.

``python -m bookbuild execute`` (:mod:`bookbuild.pipeline.cli`) runs them::

    toc      the chapters that _toc.yml lists
    split    each chapter read the way MyST-NB reads it, one notebook per framework
    plan     the chapter x framework jobs and their cache keys
    cache    executed notebooks stored under a hash of what can change their outputs
    execute  what the cache lacks, each notebook in a fresh kernel (kernel: which kernel)
    learner  the executed notebooks that learners download
"""
