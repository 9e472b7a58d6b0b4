"""The session store: django-user-sessions' (each session knows its user, so a person's sessions can
be listed and ended), with Django's own behaviour when a session gets a new key.

django-user-sessions' ``create()`` empties the session's data after saving it under the new key.
Django's does not, and django-axes relies on that: at a sign-in that replaces another person's
session (``login()`` flushes it), axes asks for the new session's key, which creates it, and the
person just signed in would be signed out again.
"""

from user_sessions.backends import db


class SessionStore(db.SessionStore):
    def create(self) -> None:
        data = getattr(self, "_session_cache", None)
        super().create()
        if data:
            self._session_cache = data
