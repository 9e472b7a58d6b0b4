"""The permission matrix's rows for single sign-on (``portal.sso``): one ``Row`` per URL (``tests/matrix.py``).

The "own" side is the configured provider ``testlan`` (``tests.oidc``), the "foreign" side a provider
that is not configured. Both pages are for everyone: signing in is what they are for.
"""

from tests.matrix import NO_ROLE, Row, expect


def provider(world, side):
    return {"slug": "testlan" if side == "own" else "okand"}


ROWS = [
    # To the provider when signed out; to the start page when signed in already.
    Row("sso:login", kwargs=provider, own={**expect(302), NO_ROLE: 302}, foreign=expect(404)),
    # The way back without the provider's answer (no state) is refused for everyone.
    Row("sso:callback", kwargs=provider, own={**expect(400), NO_ROLE: 400}, foreign=expect(404)),
]
