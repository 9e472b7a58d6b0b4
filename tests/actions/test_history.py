"""A measure's change history names what each line is about, progress updates included."""

import pytest
import tinyhtml5
from django.utils import timezone

from actions.models import ProgressStatus
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def history_lines(response) -> list[str]:
    """The items of the page's "Ändringshistorik" list, as their text reads."""
    assert response.status_code == 200
    document = tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)
    heading = next(h for h in document.iter("h2") if "".join(h.itertext()).strip() == "Ändringshistorik")
    section = next(s for s in document.iter("section") if s.get("aria-labelledby") == heading.get("id"))
    return [" ".join("".join(li.itertext()).split()) for li in section.iter("li")]


@pytest.fixture
def coordinator(client_as):
    return client_as("county_coordinator")


def test_history_names_the_actor_and_its_role(coordinator, world):
    measure = world.own_measure
    lead = measure.participants.get()
    data = {
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "1",
        "participants-0-id": str(lead.pk),
        "participants-0-actor": str(world.police.pk),
        "participants-0-role": "participant",
        "participants-1-actor": str(world.own_actor.pk),
        "participants-1-role": "lead",
    }
    assert coordinator.post(f"/insatser/{measure.pk}/aktorer/", data).status_code == 302

    lines = history_lines(coordinator.get(f"/insatser/{measure.pk}/"))
    added = next(line for line in lines if "Lade till ansvarig aktör: Region Skåne (Huvudaktör)" in line)
    assert "Karin" in added  # who
    changed = next(line for line in lines if "Ändrade ansvarig aktör: Polisen (Deltagare)" in line)
    assert "Roll: Huvudaktör → Deltagare" in changed


def test_a_removed_actor_and_a_changed_milestone_are_named(coordinator, world):
    measure = world.own_measure
    extra = ActorFactory(name="Kriminalvården", county=None)
    measure.participants.create(actor=extra, role="participant")
    row = measure.participants.get(actor=extra)
    milestone = world.own_milestone
    data = {
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "2",
        "participants-0-id": str(measure.participants.get(actor=world.police).pk),
        "participants-0-actor": str(world.police.pk),
        "participants-0-role": "lead",
        "participants-1-id": str(row.pk),
        "participants-1-actor": str(extra.pk),
        "participants-1-role": "participant",
        "participants-1-DELETE": "on",
    }
    assert coordinator.post(f"/insatser/{measure.pk}/aktorer/", data).status_code == 302
    milestones = {
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-0-id": str(milestone.pk),
        "milestones-0-title": "Utbildning genomförd",
        "milestones-0-due_date": "2027-06-30",
    }
    assert coordinator.post(f"/insatser/{measure.pk}/delmal/", milestones).status_code == 302

    lines = history_lines(coordinator.get(f"/insatser/{measure.pk}/"))
    assert any("Tog bort ansvarig aktör: Kriminalvården (Deltagare)" in line for line in lines), lines
    assert any("Ändrade delmål: Utbildning genomförd" in line for line in lines), lines


def test_progress_updates_are_in_the_measure_history(client_as, world):
    measure = world.own_measure
    client = client_as("actor_contact")
    today = timezone.localdate()
    data = {
        "status": ProgressStatus.objects.get(county=None, code="on_track").pk,
        "percent": "35",
        "done_text": "Arbetsgruppen har kartlagt stödet.",
        "date": today.isoformat(),
    }
    assert client.post(f"/insatser/{measure.pk}/lagesrapport/", data).status_code == 302

    lines = history_lines(client.get(f"/insatser/{measure.pk}/"))
    posted = next(line for line in lines if f"Lade till lägesrapport: Enligt plan ({today.isoformat()})" in line)
    assert "Veronica" in posted


def test_every_part_of_an_agreement_and_a_pledge_is_named(client_as, world):
    """Rows without a name or title (a problem, a commitment, a review) are named by their text or date."""
    from agreements.models import QualityReview
    from agreements.services import ensure_national_focus_areas
    from tests.factories import REVIEW_SCORES, AgreementFactory, PledgeFactory

    ensure_national_focus_areas()
    agreement = AgreementFactory(municipality=world.own_municipality, title="Överenskommelse Lund")
    pledge = PledgeFactory(municipality=world.own_municipality, agreement=agreement, title="Löfte Lund")
    client = client_as("municipal_officer")
    problems = {
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-0-problem": "Bedrägerier mot äldre ökar.",
        "problems-0-causes": "Nya bedrägeriupplägg via telefon.",
        "problems-0-goal": "Färre anmälda bedrägerier mot äldre 2027.",
    }
    assert client.post(f"/overenskommelser/{agreement.pk}/problem/", problems).status_code == 302
    commitments = {
        "commitments-TOTAL_FORMS": "1",
        "commitments-INITIAL_FORMS": "0",
        "commitments-0-commitment": "Vi ska öka närvaron vid stationen.",
        "commitments-0-party": "police",
        "commitments-0-status": "planned",
    }
    assert client.post(f"/medborgarloften/{pledge.pk}/atagon/", commitments).status_code == 302
    QualityReview.objects.create(municipality=world.own_municipality, pledge=pledge, date="2026-03-14", **REVIEW_SCORES)

    agreement_lines = history_lines(client.get(f"/overenskommelser/{agreement.pk}/"))
    assert any("Lade till problem, orsak och mål: Bedrägerier mot äldre ökar." in line for line in agreement_lines), (
        agreement_lines
    )
    pledge_lines = history_lines(client.get(f"/medborgarloften/{pledge.pk}/"))
    assert any("Lade till åtagande: Vi ska öka närvaron vid stationen." in line for line in pledge_lines), pledge_lines
    assert any("Lade till kvalitetsgranskning: 2026-03-14" in line for line in pledge_lines), pledge_lines
