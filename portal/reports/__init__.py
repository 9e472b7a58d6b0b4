"""PDF progress reports: gather (bounded queries), render (HTML with print CSS, then PDF), store.

See ``services`` for the job's life cycle and ``render`` for what WeasyPrint may read.
"""
