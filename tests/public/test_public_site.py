"""The public site, read as anyone reads it: without signing in, in Swedish and in English.

Only public material is shown (the one definition the open-data API reads too), no page carries
anything of the visitor (no cookie, no CSRF token, no form that posts), and a crawl from the start
page finds every published pledge, follow-up and agreement and none of what is not public.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import ActionPlan
from agreements.models import AgreementDocument, CitizenPledge, CooperationAgreement, FollowUp
from agreements.services import set_follow_up_published
from core.roles import Role
from portal.api.public import PUBLIC
from tests import parsed

pytestmark = pytest.mark.django_db

PUBLIC_PREFIXES = ("/trygghet/", "/en/trygghet/")


def crawl(client, start: str = "/trygghet/") -> dict[str, object]:
    """Every public page reachable by links from ``start``: its URL and the response."""
    seen: dict[str, object] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response
        for link in parsed.elements(parsed.page(response), "a"):
            href, _fragment = urldefrag(link.get("href", ""))
            path = urlsplit(href).path
            if path.startswith(PUBLIC_PREFIXES) and href not in seen:
                queue.append(href)
    return seen


def test_a_crawl_finds_every_published_pledge_follow_up_and_agreement_and_nothing_else(client, world):
    pages = crawl(client)
    shown = "\n".join(parsed.text(parsed.main(parsed.page(response))) for response in pages.values())
    everything = "\n".join(response.content.decode() for response in pages.values())
    missing = [name for name, text in world.published.items() if text not in shown]
    assert not missing, f"Not found on the public site: {missing}"
    leaked = [name for name, text in world.hidden.items() if text in everything]
    assert not leaked, f"Shown on the public site though not public: {leaked}"
    assert any(url.startswith("/en/trygghet/") for url in pages), "the English pages are linked"


def test_no_page_carries_anything_of_the_visitor(client, world):
    client.force_login(world.user(Role.MUNICIPAL_OFFICER))
    client.cookies["django_language"] = "en"
    for url, response in crawl(client).items():
        assert not response.cookies, f"{url} sets {list(response.cookies)}"
        root = parsed.page(response)
        assert not list(parsed.find_all(root, "form", method="post")), url
        assert not list(parsed.find_all(root, "input", name="csrfmiddlewaretoken")), url
        # The language is the URL's, whatever the cookie says; the officer's draft stays hidden.
        language = "en" if url.startswith("/en/") else "sv"
        assert root.get("lang") == language, url
        assert response["Content-Language"] == language, url
        assert world.own_draft.title not in response.content.decode(), url


def test_the_language_links_lead_to_the_same_page_in_the_other_language(client, world):
    url = reverse("public:municipality", kwargs={"municipality": "lund"})
    root = parsed.page(client.get(url))
    english = next(a for a in parsed.elements(root, "a") if a.get("hreflang") == "en")
    assert english.get("href") == "/en/trygghet/lund/"
    root = parsed.page(client.get(english.get("href")))
    assert parsed.text(parsed.elements(root, "h1")[0]) == "Lund"
    duties = "The state of each duty the law on municipalities' responsibility for crime prevention sets"
    assert parsed.table(root, duties) is not None


def test_the_municipality_page_shows_what_was_promised_and_what_was_done(client, world):
    root = parsed.main(parsed.page(client.get("/trygghet/lund/")))
    pledge = parsed.by_id(root, f"medborgarlofte-{world.own_pledge.pk}")
    commitment = world.own_pledge.commitments.get()
    assert [commitment.commitment, commitment.carried_out_by(), "Klar"] in parsed.rows(pledge)
    follow_up = parsed.by_id(pledge, f"uppfoljning-{world.published_follow_up.pk}")
    assert world.published_follow_up.summary in parsed.text(follow_up)
    assert parsed.by_id(pledge, f"uppfoljning-{world.unpublished_follow_up.pk}") is None
    agreement = parsed.by_id(root, f"overenskommelse-{world.own_agreement.pk}")
    assert "Kommunstyrelsens ordförande Philip Sandberg, Lund" in parsed.text(agreement)


@pytest.mark.parametrize(
    "url",
    [
        "/trygghet/finns-inte/",
        "/trygghet/lan/finns-inte/",
        "/trygghet/lund/medborgarloften/{draft}/",
        "/trygghet/lund/medborgarloften/{foreign}/",
        "/trygghet/lund/overenskommelser/{draft_agreement}/",
    ],
)
def test_what_is_not_public_or_not_there_is_404(client, world, url):
    url = url.format(
        draft=world.own_draft.pk, foreign=world.foreign_pledge.pk, draft_agreement=world.draft_agreement.pk
    )
    assert client.get(url).status_code == 404


def test_a_public_page_answers_no_post(client, world):
    assert client.post("/trygghet/").status_code == 405


def test_the_search_finds_public_material_only(client, world):
    root = parsed.main(parsed.page(client.get("/trygghet/sok/", {"q": "Lund"})))
    found = parsed.text(root)
    assert world.own_pledge.title in found
    assert world.own_draft.title not in found
    assert world.draft_agreement.title not in found
    root = parsed.main(parsed.page(client.get("/trygghet/sok/", {"q": "kameror"})))
    assert world.unpublished_follow_up.summary not in parsed.text(root)
    root = parsed.main(parsed.page(client.get("/trygghet/sok/", {"q": "Trygghetsvandringar"})))
    assert world.published_follow_up.summary in parsed.text(root)


# --- One definition of public ---------------------------------------------------------------------


def test_the_api_and_the_public_site_read_the_same_public_rows(world):
    assert set(PUBLIC[CitizenPledge]()) == set(CitizenPledge.objects.public())
    assert world.own_draft not in CitizenPledge.objects.public()
    assert set(PUBLIC[CooperationAgreement]()) == {world.own_agreement, world.foreign_agreement, world.ended_agreement}
    assert set(PUBLIC[ActionPlan]()) == {world.own_plan}


def test_a_follow_up_is_public_once_published_and_approved(world):
    public = set(FollowUp.objects.public())
    assert public == {world.published_follow_up, world.round_follow_up}
    # The coordinator's approval published the round's follow-up.
    assert world.round_follow_up.published_at == world.round_follow_up.reviewed_at
    officer = world.user(Role.MUNICIPAL_OFFICER)
    set_follow_up_published(world.unpublished_follow_up, True, user=officer)
    set_follow_up_published(world.published_follow_up, False, user=officer)
    assert set(FollowUp.objects.public()) == {world.unpublished_follow_up, world.round_follow_up}


def test_a_follow_up_of_a_draft_pledge_or_waiting_for_review_is_not_public(world):
    follow_up = world.published_follow_up
    CitizenPledge.objects.filter(pk=world.own_pledge.pk).update(status="draft")
    assert follow_up not in FollowUp.objects.public()
    FollowUp.objects.filter(pk=world.unpublished_follow_up.pk).update(state="submitted")
    with pytest.raises(ValidationError):
        set_follow_up_published(world.unpublished_follow_up, True, user=world.user(Role.MUNICIPAL_OFFICER))


def test_documents_are_internal_unless_made_public(world):
    assert AgreementDocument._meta.get_field("visibility").default == "internal"
    assert set(AgreementDocument.objects.public()) == {world.public_document}
    CooperationAgreement.objects.filter(pk=world.own_agreement.pk).update(status="draft")
    assert not AgreementDocument.objects.public().exists()
