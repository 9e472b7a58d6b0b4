"""Objects of one person that the profile page's addresses name: a session, an API key, an e-mail
confirmation link. The "own" one is the world's municipal officer's; the "foreign" one another
person's, whom no role of the matrix is. Made when a matrix row or a guess asks for them."""

from django.test import Client
from user_sessions.models import Session

from core.roles import Role
from portal.profile import services as profile_services
from portal.profile.queries import link_token, session_ref
from portal.services import issue_token
from tests.factories import UserFactory


def owner(world, side):
    if side == "own":
        return world.user(Role.MUNICIPAL_OFFICER)
    return UserFactory(username="annan-person")


def person_session(world, side) -> dict:
    """A second browser's session of the owner (signed in elsewhere)."""
    user = owner(world, side)
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1", REMOTE_ADDR="192.0.2.9")
    browser.force_login(user)
    session = Session.objects.filter(user=user).order_by("-last_activity").first()
    return {"ref": session_ref(session.session_key)}


def person_api_key(world, side) -> dict:
    token, _key = issue_token(owner(world, side), "Nyckel")
    return {"pk": token.pk}


def email_link(world, side) -> dict:
    change = profile_services.request_email_change(owner(world, side), f"ny-{side}@example.se")
    return {"token": link_token(change)}
