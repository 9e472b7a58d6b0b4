"""Development and benchmark tooling: the generated national data and `make bench`'s commands and server side.

Installed only outside production (``portal/settings.py``: ``DJANGO_ENV`` development or test)
and by the benchmark's own settings (``devtools/bench_settings.py``); production never imports it.
"""
