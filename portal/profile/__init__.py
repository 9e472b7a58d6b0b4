"""The signed-in person's own page, ``/profil/``: name, e-mail address (changed only after the new
address is confirmed), grants, sessions, API keys, language and e-mail choices.

``portal.services.end_sessions(user, except_key=None)`` ends a person's sessions; other code (an
account's deactivation) calls it too.
"""
