"""What every way of signing in leaves in the browser (the password form, an identity provider, an
accepted invitation): the language of the person's pages and a plain cookie that outlives the
session, so that the sign-in page can say a session has expired."""

from django.conf import settings

# A plain cookie (not the session) that outlives the session: when it is present but the user is
# signed out, the session has expired and the sign-in page says so.
SIGNED_IN_COOKIE = "tp_signed_in"


def remember_language(response, language: str) -> None:
    """Show the portal in ``language`` from the next page on (the language switch's cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax", httponly=False
    )


def signed_in(request, response, user):
    """``response`` with the cookies of a sign-in of ``user`` just made."""
    response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="Lax", secure=request.is_secure())
    remember_language(response, user.language)
    return response
