"""The read-only JSON API under ``/api/``: see ``public.py`` for what anonymous callers read."""
