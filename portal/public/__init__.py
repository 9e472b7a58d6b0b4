"""The public site: what each municipality promised its residents and what it did, for anyone, without
signing in (``/trygghet/…``, English under ``/en/trygghet/…``).

It reads only public material, through the same QuerySet methods as the open-data API
(``Model.objects.public()``: published pledges, active and ended agreements, active and completed
plans, published and approved follow-ups, documents made public). Its pages carry nothing of the
visitor: no session, no CSRF token, the language in the URL.
"""
