"""The test worlds, in one place: the world every test shares and what each group of tests adds to it.

``base_world()`` builds the shared world (the ``world`` fixture of ``tests/conftest.py``): an own
county (Skåne, 12) with Lund and its neighbour Hässleholm, a foreign one (Stockholm, 01) with
Solna, the national Police, Region Skåne and Region Stockholm, and one user per role, every one
working in Skåne.

Every builder below takes a world and returns a larger one: a dataclass that names each object it
adds, ``own_…`` in Skåne (Lund), ``foreign_…`` in Stockholm (Solna) and ``draft_…`` the own county's
unpublished ones, so that a matrix row reaches a side's object by its name
(``getattr(world, f"{side}_plan")``). A ``conftest.py`` or a test module overrides ``world`` with the
builder it needs; nothing adds attributes to a world after it is built.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields

from django.core.files.base import ContentFile
from django.utils import timezone

from actions.models import (
    ActionPlan,
    Actor,
    Comment,
    FollowUpRound,
    Indicator,
    Measure,
    Milestone,
    PlanDocument,
    ProgressStatus,
    ProgressUpdate,
    RoundRequest,
    SupportActivity,
    UpdateAttachment,
)
from agreements import queries as agreement_queries
from agreements import services as agreement_services
from agreements.models import (
    AgreementDocument,
    CitizenPledge,
    CooperationAgreement,
    FollowUp,
    MunicipalRequest,
    MunicipalRound,
    QualityReview,
    Signatory,
)
from agreements.services import ensure_national_focus_areas
from core.files.models import fill_document
from core.roles import Role
from municipalities.models import (
    ComplianceDocument,
    Coordinator,
    CouncilMember,
    County,
    KeyFigureImport,
    KeyFigureSource,
    Municipality,
)
from municipalities.services import bra_kinds
from portal.models import ApiToken, Grant, Invitation, Report, ReportStatus, token_hash
from portal.services import issue_token
from tests.factories import (
    MINIMAL_PDF,
    REVIEW_SCORES,
    ActionPlanFactory,
    ActorFactory,
    AgreementFactory,
    CommitmentFactory,
    ComplianceItemFactory,
    CountyFactory,
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    MunicipalityFactory,
    PledgeFactory,
    UserFactory,
    compliance_document,
    national_statuses,
    pdf_upload,
)

SIDES = ("own", "foreign")


@dataclass(kw_only=True)
class World:
    own_county: County
    foreign_county: County
    own_municipality: Municipality
    neighbour_municipality: Municipality
    foreign_municipality: Municipality
    own_actor: Actor
    foreign_actor: Actor
    police: Actor
    users: dict
    # The matrix's inactive and grant-less users (``tests.matrix.extra_user``), created on first use.
    extra_users: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users[role]


def grown(cls, world: World, **objects):
    """``world`` as a ``cls`` (a subclass of its class) that also holds ``objects``."""
    return cls(**{f.name: getattr(world, f.name) for f in fields(world)}, **objects)


def stored_document(document, name: str):
    """``document`` (an unsaved ``Document`` naming its owner) filled with a small PDF called ``name`` and saved."""
    document = fill_document(document, pdf_upload(name), None)
    document.save()
    return document


def base_world() -> World:
    bra_kinds()  # made by the migrations; again after a transactional test emptied the tables
    skane = CountyFactory(code="12", name="Skåne län", short_name="Skåne")
    stockholm = CountyFactory(code="01", name="Stockholms län", short_name="Stockholm")
    lund = MunicipalityFactory(code="1281", name="Lund", county=skane)
    hassleholm = MunicipalityFactory(code="1293", name="Hässleholm", county=skane)
    solna = MunicipalityFactory(code="0184", name="Solna", county=stockholm)
    police = ActorFactory(name="Polisen", county=None)
    region = ActorFactory(name="Region Skåne", county=skane)
    foreign_actor = ActorFactory(name="Region Stockholm", county=stockholm)

    users = {
        Role.COUNTY_COORDINATOR: GrantFactory(
            user=UserFactory(username="samordnare", first_name="Karin"), role=Role.COUNTY_COORDINATOR, county=skane
        ).user,
        Role.MUNICIPAL_OFFICER: GrantFactory(
            user=UserFactory(username="kommun", first_name="Annica"), role=Role.MUNICIPAL_OFFICER, municipality=lund
        ).user,
        Role.ACTOR_CONTACT: GrantFactory(
            user=UserFactory(username="polis", first_name="Veronica"),
            role=Role.ACTOR_CONTACT,
            actor=police,
            county=skane,
        ).user,
        Role.STEERING_GROUP: GrantFactory(
            user=UserFactory(username="styrgrupp", first_name="Henrik"), role=Role.STEERING_GROUP, county=skane
        ).user,
        Role.NATIONAL_ADMIN: GrantFactory(
            user=UserFactory(username="admin", first_name="Malin", is_staff=True, is_superuser=True),
            role=Role.NATIONAL_ADMIN,
        ).user,
    }
    return World(
        own_county=skane,
        foreign_county=stockholm,
        own_municipality=lund,
        neighbour_municipality=hassleholm,
        foreign_municipality=solna,
        own_actor=region,
        foreign_actor=foreign_actor,
        police=police,
        users={str(k): v for k, v in users.items()},
    )


# --- actions -----------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class PlansWorld(World):
    """A plan in each county with measure 1 and a milestone in June 2027."""

    own_plan: ActionPlan
    own_measure: Measure
    own_milestone: Milestone
    foreign_plan: ActionPlan
    foreign_measure: Measure
    foreign_milestone: Milestone


def with_plans(world: World) -> PlansWorld:
    """The national statuses and a plan in each county: in Skåne the Police leads measure 1 and
    Lund takes part; in Stockholm Region Stockholm leads a measure no Skåne user may touch."""
    national_statuses()
    objects = {}
    for side, county, actor in (
        ("own", world.own_county, world.police),
        ("foreign", world.foreign_county, world.foreign_actor),
    ):
        plan = ActionPlanFactory(county=county, title=f"Plan {county.short_name}")
        measure = MeasureFactory(plan=plan, number=1, title=f"Insats i {county.short_name}")
        MeasureActorFactory(measure=measure, actor=actor, role="lead")
        milestone = MilestoneFactory(measure=measure, due_date=datetime.date(2027, 6, 30))
        objects |= {f"{side}_plan": plan, f"{side}_measure": measure, f"{side}_milestone": milestone}
    objects["own_measure"].municipalities.add(world.own_municipality)
    return grown(PlansWorld, world, **objects)


@dataclass(kw_only=True)
class PlanWorld(World):
    """The shared world plus the one plan a test module's scenario built and its tests follow."""

    plan: ActionPlan


@dataclass(kw_only=True)
class PlansMatrixWorld(PlansWorld):
    """Besides the two plans, Skåne's draft plan, and under each of the three plans a document, a
    support activity in its county and an indicator on measure 1."""

    draft_plan: ActionPlan
    draft_measure: Measure
    draft_milestone: Milestone
    own_plan_document: PlanDocument
    foreign_plan_document: PlanDocument
    draft_plan_document: PlanDocument
    own_activity: SupportActivity
    foreign_activity: SupportActivity
    draft_activity: SupportActivity
    own_indicator: Indicator
    foreign_indicator: Indicator
    draft_indicator: Indicator
    own_round: FollowUpRound
    foreign_round: FollowUpRound
    own_request: RoundRequest
    foreign_request: RoundRequest
    own_update: ProgressUpdate
    foreign_update: ProgressUpdate
    own_attachment: UpdateAttachment
    foreign_attachment: UpdateAttachment


def with_plan_drafts_and_documents(world: PlansWorld) -> PlansMatrixWorld:
    """Skåne's draft plan, whose measure 1 the Police leads and Lund joins (so only the draft keeps
    them out), and for each plan a document, a support activity and an indicator."""
    draft = ActionPlanFactory(county=world.own_county, title="Planutkast", status="draft")
    draft_measure = MeasureFactory(plan=draft, number=1, title="Insats i utkastet")
    MeasureActorFactory(measure=draft_measure, actor=world.police, role="lead")
    draft_measure.municipalities.add(world.own_municipality)
    objects = {
        "draft_plan": draft,
        "draft_measure": draft_measure,
        "draft_milestone": MilestoneFactory(measure=draft_measure),
    }
    plans = {"own": world.own_plan, "foreign": world.foreign_plan, "draft": draft}
    measures = {"own": world.own_measure, "foreign": world.foreign_measure, "draft": draft_measure}
    for side, plan in plans.items():
        objects[f"{side}_plan_document"] = stored_document(PlanDocument(plan=plan), "Handlingsplan.pdf")
        objects[f"{side}_activity"] = SupportActivity.objects.create(
            county=plan.county, title="Hearing", kind="hearing", date="2025-02-15", organiser="Länsstyrelsen"
        )
        objects[f"{side}_indicator"] = measures[side].indicators.create(name="Avhoppare")
    objects |= open_rounds(world, world.own_measure, world.foreign_measure)
    return grown(PlansMatrixWorld, world, **objects)


def open_rounds(world: World, own_measure: Measure, foreign_measure: Measure) -> dict:
    """An open round on each measure's plan with the measure's request, its update submitted for review
    with a PDF attached. In Skåne the Police contact is asked (and wrote the update); in Stockholm nobody."""
    objects = {}
    status = ProgressStatus.objects.get(county=None, code="on_track")
    for side, measure in (("own", own_measure), ("foreign", foreign_measure)):
        round_ = FollowUpRound.objects.create(
            plan=measure.plan,
            title="Uppföljning kvartal 4",
            period_start=datetime.date(2026, 10, 1),
            period_end=datetime.date(2026, 12, 31),
            deadline=datetime.date(2027, 1, 15),
        )
        author = world.user(Role.ACTOR_CONTACT) if side == "own" else None
        update = ProgressUpdate.objects.create(
            measure=measure, status=status, percent=30, done_text="Arbete pågår.", state="submitted", author=author
        )
        request = RoundRequest.objects.create(round=round_, measure=measure, update=update)
        if author is not None:
            request.addressees.add(author)
        objects |= {
            f"{side}_round": round_,
            f"{side}_request": request,
            f"{side}_update": update,
            f"{side}_attachment": stored_document(UpdateAttachment(update=update), "Minnesanteckningar.pdf"),
        }
    return objects


# --- agreements --------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class AgreementsWorld(World):
    """An active agreement with a published, reviewed pledge in Lund and in Solna; Lund's draft pledge."""

    own_agreement: CooperationAgreement
    own_pledge: CitizenPledge
    foreign_agreement: CooperationAgreement
    foreign_pledge: CitizenPledge
    own_draft: CitizenPledge


def with_agreements(world: World) -> AgreementsWorld:
    """The national focus areas and, in Lund and in Solna, an active agreement with a published pledge
    (with one commitment, reviewed by the county); Lund also has a draft pledge."""
    ensure_national_focus_areas()
    objects = {}
    for side, municipality in (("own", world.own_municipality), ("foreign", world.foreign_municipality)):
        agreement = AgreementFactory(municipality=municipality, title=f"Överenskommelse {municipality.name}")
        pledge = PledgeFactory(municipality=municipality, agreement=agreement, title=f"Löfte {municipality.name}")
        CommitmentFactory(pledge=pledge)
        QualityReview.objects.create(municipality=municipality, pledge=pledge, **REVIEW_SCORES)
        objects |= {f"{side}_agreement": agreement, f"{side}_pledge": pledge}
    objects["own_draft"] = PledgeFactory(municipality=world.own_municipality, title="Utkast Lund", status="draft")
    return grown(AgreementsWorld, world, **objects)


@dataclass(kw_only=True)
class AgreementsMatrixWorld(AgreementsWorld):
    """Besides the two agreements, Lund's draft agreement (its draft pledge is ``draft_pledge``), and a
    document on each of the three agreements."""

    draft_agreement: CooperationAgreement
    draft_pledge: CitizenPledge
    own_document: AgreementDocument
    foreign_document: AgreementDocument
    draft_document: AgreementDocument


def with_agreement_drafts_and_documents(world: AgreementsWorld) -> AgreementsMatrixWorld:
    draft = AgreementFactory(municipality=world.own_municipality, title="Utkast till överenskommelse", status="draft")
    agreements = {"own": world.own_agreement, "foreign": world.foreign_agreement, "draft": draft}
    documents = {
        f"{side}_document": stored_document(AgreementDocument(agreement=agreement), "Överenskommelse.pdf")
        for side, agreement in agreements.items()
    }
    return grown(AgreementsMatrixWorld, world, draft_agreement=draft, draft_pledge=world.own_draft, **documents)


# --- agreements: municipal follow-up rounds ----------------------------------------------------------

TODAY = timezone.localdate()


def round_values(**changes) -> dict:
    """A municipal round's form values: the last 60 days, due in two weeks."""
    values = {
        "title": "Uppföljning av medborgarlöften hösten 2026",
        "period_start": TODAY - datetime.timedelta(days=60),
        "period_end": TODAY,
        "deadline": TODAY + datetime.timedelta(days=14),
        "message": "Svara kort, tack.",
        "remind_days_before": 5,
    }
    return values | changes


def cover_today(*items: CitizenPledge | CooperationAgreement) -> None:
    """Each pledge's period and each agreement's years cover today, whatever day the tests run, so a
    municipal round asks about them."""
    for item in items:
        if isinstance(item, CitizenPledge):
            item.period_start, item.period_end = TODAY - datetime.timedelta(days=100), TODAY + datetime.timedelta(200)
        else:
            item.start_year, item.end_year = TODAY.year - 1, TODAY.year + 1
        item.save()


def make_current(world: AgreementsWorld) -> None:
    """The world's pledges and agreements cover today."""
    cover_today(world.own_pledge, world.foreign_pledge, world.own_agreement, world.foreign_agreement)


def open_municipal_round(county: County, *, user=None, items=None, **changes) -> MunicipalRound:
    """A municipal round opened through the service, by default on the county's current pledges and
    agreements, asking their municipalities' officers."""
    items = agreement_queries.round_candidates(county) if items is None else items
    asked = agreement_queries.municipal_officers({item.municipality_id for item in items})
    return agreement_services.open_round(county, round_values(**changes), items=items, asked=asked, user=user)


def answer_request(
    request: MunicipalRequest, user, *, submit: bool = True, summary: str = "Trygghetsvandringar hölls."
) -> FollowUp:
    """The request's follow-up saved through the service (submitted for review unless ``submit`` is
    False), every commitment or deliverable "ongoing"."""
    items = agreement_queries.follow_up_items(request.target)
    return agreement_services.save_round_follow_up(
        request,
        date=TODAY,
        assessment="good",
        summary=summary,
        answers={pk: ("ongoing", "På gång") for pk, _label in items},
        user=user,
        submit=submit,
    )


def municipal_rounds(
    world: World,
    *,
    pledges: dict[str, CitizenPledge],
    agreements: dict[str, CooperationAgreement],
    round_name: str = "municipal_round",
) -> dict:
    """An open municipal round in each county (``pledges`` and ``agreements``: each side's, made current)
    asking about its current pledges and agreements; the pledge's request has a submitted follow-up.

    Skåne's coordinator opens Skåne's round and Lund's officer answers; Stockholm, which has no
    officers, is opened by nobody and answered by the national administrator. The objects are named
    ``{side}_{round_name}``, ``{side}_municipal_request`` and ``{side}_round_follow_up``.
    """
    cover_today(*pledges.values(), *agreements.values())
    objects = {}
    for side, county in (("own", world.own_county), ("foreign", world.foreign_county)):
        coordinator = world.user(Role.COUNTY_COORDINATOR) if side == "own" else None
        round_ = open_municipal_round(county, user=coordinator)
        request = MunicipalRequest.objects.get(round=round_, pledge=pledges[side])
        author = world.user(Role.MUNICIPAL_OFFICER) if side == "own" else world.user(Role.NATIONAL_ADMIN)
        objects |= {
            f"{side}_{round_name}": round_,
            f"{side}_municipal_request": request,
            f"{side}_round_follow_up": answer_request(request, author),
        }
    return objects


# --- municipalities ----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ComplianceWorld(World):
    """In Lund and in Solna an obligation with two documents: one kept to the municipality (and the
    county's coordinators) and one shared with the county."""

    own_document: ComplianceDocument
    own_shared_document: ComplianceDocument
    foreign_document: ComplianceDocument
    foreign_shared_document: ComplianceDocument


def with_compliance_documents(world: World) -> ComplianceWorld:
    objects = {}
    for side, municipality in (("own", world.own_municipality), ("foreign", world.foreign_municipality)):
        item = ComplianceItemFactory(municipality=municipality)
        objects[f"{side}_document"] = compliance_document(item)
        objects[f"{side}_shared_document"] = compliance_document(item, visibility="county")
    return grown(ComplianceWorld, world, **objects)


# --- portal ------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ReportsWorld(World):
    """A failed municipality report for Lund and one for Solna."""

    own_report: Report
    foreign_report: Report


def with_failed_reports(world: World) -> ReportsWorld:
    objects = {}
    for side, county, municipality in (
        ("own", world.own_county, world.own_municipality),
        ("foreign", world.foreign_county, world.foreign_municipality),
    ):
        objects[f"{side}_report"] = Report.objects.create(
            kind="municipality",
            county=county,
            municipality=municipality,
            period_start="2026-01-01",
            period_end="2026-06-30",
            status=ReportStatus.FAILED,
            error="Avbruten",
        )
    return grown(ReportsWorld, world, **objects)


# --- security: access from outside -------------------------------------------------------------------


@dataclass(kw_only=True)
class AccessWorld(World):
    """One object of every kind a URL names by id, in each county, and Lund's drafts (see ``with_everything``)."""

    own_plan: ActionPlan
    own_measure: Measure
    own_milestone: Milestone
    own_indicator: Indicator
    own_plan_document: PlanDocument
    own_activity: SupportActivity
    own_agreement: CooperationAgreement
    own_agreement_document: AgreementDocument
    own_pledge: CitizenPledge
    own_compliance_document: ComplianceDocument
    own_report: Report
    own_county_report: Report
    foreign_plan: ActionPlan
    foreign_measure: Measure
    foreign_milestone: Milestone
    foreign_indicator: Indicator
    foreign_plan_document: PlanDocument
    foreign_activity: SupportActivity
    foreign_agreement: CooperationAgreement
    foreign_agreement_document: AgreementDocument
    foreign_pledge: CitizenPledge
    foreign_compliance_document: ComplianceDocument
    foreign_report: Report
    foreign_county_report: Report
    draft_plan: ActionPlan
    draft_measure: Measure
    draft_milestone: Milestone
    draft_indicator: Indicator
    draft_plan_document: PlanDocument
    shared_compliance_document: ComplianceDocument
    draft_agreement: CooperationAgreement
    draft_agreement_document: AgreementDocument
    draft_pledge: CitizenPledge
    foreign_token: ApiToken
    officer_token: ApiToken
    own_round: FollowUpRound
    foreign_round: FollowUpRound
    own_request: RoundRequest
    foreign_request: RoundRequest
    own_update: ProgressUpdate
    foreign_update: ProgressUpdate
    own_attachment: UpdateAttachment
    foreign_attachment: UpdateAttachment
    own_municipal_round: MunicipalRound
    foreign_municipal_round: MunicipalRound
    own_municipal_request: MunicipalRequest
    foreign_municipal_request: MunicipalRequest
    own_round_follow_up: FollowUp
    foreign_round_follow_up: FollowUp


def _finished_report(county, municipality):
    report = Report.objects.create(
        kind="municipality" if municipality else "county",
        county=county,
        municipality=municipality,
        period_start="2026-01-01",
        period_end="2026-06-30",
        status=ReportStatus.DONE,
    )
    report.file.save("rapport.pdf", ContentFile(MINIMAL_PDF))
    return report


def with_everything(world: World) -> AccessWorld:
    """In each county, one object of every kind a URL names by id.

    ``own`` objects lie in Skåne (Lund), ``foreign`` ones in Stockholm (Solna); ``draft`` ones
    are Lund's unpublished plan, agreement and pledge. Hässleholm, Lund's neighbour, has drafts
    too, which the Lund officer must not find. Stockholm's coordinator holds ``foreign_token``,
    the world's municipal officer ``officer_token``. Each county has an open follow-up round on its
    plan and an open municipal round on its pledges and agreements, each with an answer waiting for
    review (``open_rounds``, ``municipal_rounds``).
    """
    national_statuses()
    places = {
        "own": (world.own_county, world.own_municipality, world.police),
        "foreign": (world.foreign_county, world.foreign_municipality, world.foreign_actor),
    }
    objects = {}
    for side, (county, municipality, actor) in places.items():
        plan = ActionPlanFactory(county=county, title=f"Plan {county.short_name}")
        measure = MeasureFactory(plan=plan, number=1)
        MeasureActorFactory(measure=measure, actor=actor, role="lead")
        measure.municipalities.add(municipality)
        agreement = AgreementFactory(municipality=municipality)
        pledge = PledgeFactory(municipality=municipality, agreement=agreement)
        CommitmentFactory(pledge=pledge)
        # A key-figure import of the county's (its coordinators' only), for the guessers.
        KeyFigureImport.objects.create(county=county, source=KeyFigureSource.KOLADA, first_year=2023, last_year=2024)
        side_objects = {
            "plan": plan,
            "measure": measure,
            "milestone": MilestoneFactory(measure=measure, due_date=datetime.date(2027, 6, 30)),
            "indicator": measure.indicators.create(name="Avhoppare"),
            "plan_document": stored_document(PlanDocument(plan=plan), "Dokument.pdf"),
            "activity": SupportActivity.objects.create(
                county=county, title="Hearing", kind="hearing", date="2025-02-15", organiser="Länsstyrelsen"
            ),
            "agreement": agreement,
            "agreement_document": stored_document(AgreementDocument(agreement=agreement), "Dokument.pdf"),
            "pledge": pledge,
            "compliance_document": compliance_document(ComplianceItemFactory(municipality=municipality)),
            "report": _finished_report(county, municipality),
            "county_report": _finished_report(county, None),
        }
        objects |= {f"{side}_{name}": obj for name, obj in side_objects.items()}
    draft_plan = ActionPlanFactory(county=world.own_county, title="Planutkast", status="draft")
    # Under the draft plan: a measure the Police leads and Lund joins, so that those who read the
    # county's published plans have every reason but the draft to reach it.
    draft_measure = MeasureFactory(plan=draft_plan, number=1)
    MeasureActorFactory(measure=draft_measure, actor=world.police, role="lead")
    draft_measure.municipalities.add(world.own_municipality)
    objects["draft_plan"] = draft_plan
    objects["draft_measure"] = draft_measure
    objects["draft_milestone"] = MilestoneFactory(measure=draft_measure, due_date=datetime.date(2027, 6, 30))
    objects["draft_indicator"] = draft_measure.indicators.create(name="Utkastets indikator")
    objects["draft_plan_document"] = stored_document(PlanDocument(plan=draft_plan), "Dokument.pdf")
    # Lund's lägesbild shared with the county, beside its own (kept to Lund and the coordinators).
    objects["shared_compliance_document"] = compliance_document(
        ComplianceItemFactory(municipality=world.own_municipality, obligation="action_programme"), visibility="county"
    )
    draft_agreement = AgreementFactory(municipality=world.own_municipality, status="draft")
    objects["draft_agreement"] = draft_agreement
    objects["draft_agreement_document"] = stored_document(AgreementDocument(agreement=draft_agreement), "Dokument.pdf")
    objects["draft_pledge"] = PledgeFactory(municipality=world.own_municipality, status="draft")
    neighbour_agreement = AgreementFactory(municipality=world.neighbour_municipality, status="draft")
    stored_document(AgreementDocument(agreement=neighbour_agreement), "Dokument.pdf")
    PledgeFactory(municipality=world.neighbour_municipality, status="draft")
    objects["foreign_token"], _key = issue_token(
        Grant.objects.create(
            user=UserFactory(username="stockholm"), role=Role.COUNTY_COORDINATOR, county=world.foreign_county
        ).user,
        "Stockholms nyckel",
    )
    objects["officer_token"], _key = issue_token(world.user("municipal_officer"), "Lunds nyckel")
    objects |= open_rounds(world, objects["own_measure"], objects["foreign_measure"])
    objects |= municipal_rounds(
        world,
        pledges={side: objects[f"{side}_pledge"] for side in SIDES},
        agreements={side: objects[f"{side}_agreement"] for side in SIDES},
    )
    # An invitation waiting for an answer in each county (the people pages name them by id).
    for county in (world.own_county, world.foreign_county):
        Invitation.objects.create(
            email=f"inbjuden-{county.code}@example.se",
            first_name="Inbjuden",
            last_name=county.short_name,
            county=county,
            role=Role.STEERING_GROUP,
            token_hash=token_hash(f"varlden-{county.code}"),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    return grown(AccessWorld, world, **objects)


# --- security: hostile input -------------------------------------------------------------------------


@dataclass(kw_only=True)
class HostileWorld(World):
    """One of everything a form edits, all in Skåne (the users' own county)."""

    plan: ActionPlan
    measure: Measure
    milestone: Milestone
    indicator: Indicator
    activity: SupportActivity
    agreement: CooperationAgreement
    pledge: CitizenPledge
    draft: CitizenPledge
    round: FollowUpRound
    request: RoundRequest  # asked of the Police contact, not answered yet
    submitted: ProgressUpdate  # the round's other update, waiting for review
    colleague: object  # another Police contact in Skåne, to hand a request to


def with_one_of_everything(world: World) -> HostileWorld:
    """The national statuses and focus areas; in Skåne a plan whose measure 1 the Police leads and
    Lund joins (a milestone and an indicator on it), a support activity, and Lund's agreement with a
    published pledge and a draft one."""
    national_statuses()
    ensure_national_focus_areas()
    plan = ActionPlanFactory(county=world.own_county, title="Plan Skåne")
    measure = MeasureFactory(plan=plan, number=1, title="Insats i Skåne")
    MeasureActorFactory(measure=measure, actor=world.police, role="lead")
    measure.municipalities.add(world.own_municipality)
    milestone = MilestoneFactory(measure=measure, due_date=datetime.date(2027, 6, 30))
    indicator = Indicator.objects.create(measure=measure, name="Deltagare", unit="personer")
    activity = SupportActivity.objects.create(
        county=world.own_county,
        title="Utbildning",
        kind=SupportActivity._meta.get_field("kind").choices[0][0],
        date=datetime.date(2025, 3, 1),
        organiser="Länsstyrelsen",
    )
    agreement = AgreementFactory(municipality=world.own_municipality, title="Överenskommelse Lund")
    pledge = PledgeFactory(municipality=world.own_municipality, agreement=agreement, title="Löfte Lund")
    CommitmentFactory(pledge=pledge)
    draft = PledgeFactory(municipality=world.own_municipality, title="Utkast Lund", status="draft")
    return grown(
        HostileWorld,
        world,
        **_round_in_progress(world),
        plan=plan,
        measure=measure,
        milestone=milestone,
        indicator=indicator,
        activity=activity,
        agreement=agreement,
        pledge=pledge,
        draft=draft,
    )


def _round_in_progress(world: World) -> dict:
    """An open round on a second Skåne plan (so that the first can get one): measure 1's request asked
    of the Police contact, measure 2's update submitted; and a colleague of the Police contact."""
    plan = ActionPlanFactory(county=world.own_county, title="Plan Skåne, uppföljd")
    police = world.user(Role.ACTOR_CONTACT)
    round_ = FollowUpRound.objects.create(
        plan=plan,
        title="Uppföljning kvartal 4",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 12, 31),
        deadline=datetime.date(2027, 1, 15),
    )
    requests = []
    for number in (1, 2):
        measure = MeasureFactory(plan=plan, number=number, title=f"Uppföljd insats {number}")
        MeasureActorFactory(measure=measure, actor=world.police, role="lead")
        Indicator.objects.create(measure=measure, name="Deltagare", unit="personer")
        request = RoundRequest.objects.create(round=round_, measure=measure)
        request.addressees.add(police)
        requests.append(request)
    submitted = ProgressUpdate.objects.create(
        measure=requests[1].measure,
        status=ProgressStatus.objects.get(county=None, code="on_track"),
        percent=30,
        done_text="Arbete pågår.",
        state="submitted",
        author=police,
    )
    RoundRequest.objects.filter(pk=requests[1].pk).update(update=submitted)
    colleague = GrantFactory(
        user=UserFactory(username="polis2", first_name="Omar"),
        role=Role.ACTOR_CONTACT,
        actor=world.police,
        county=world.own_county,
    ).user
    return {"round": round_, "request": requests[0], "submitted": submitted, "colleague": colleague}


@dataclass(kw_only=True)
class PoisonedWorld(HostileWorld):
    """The hostile world once ``tests/security/test_payloads.py`` has put a payload in every text users
    write: ``fields_poisoned`` says in how many."""

    fields_poisoned: int


# --- the public site ----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class PublicWorld(AgreementsWorld):
    """Published and unpublished material side by side, for the public site: what must be found on
    it (``published``: each public pledge, follow-up and agreement by the text that names it) and
    what must never be (``hidden``: drafts, an unpublished follow-up, internal documents, reviews,
    comments, people's e-mail addresses and telephone numbers)."""

    own_plan: ActionPlan
    draft_plan: ActionPlan
    draft_pledge: CitizenPledge  # the world's own_draft, by the name the permission matrix reads
    earlier_pledge: CitizenPledge
    ended_agreement: CooperationAgreement
    draft_agreement: CooperationAgreement
    published_follow_up: FollowUp
    round_follow_up: FollowUp
    unpublished_follow_up: FollowUp
    public_document: AgreementDocument
    internal_document: AgreementDocument
    published: dict[str, str]
    hidden: dict[str, str]


def with_public_material(world: AgreementsWorld) -> PublicWorld:
    make_current(world)
    lund, officer = world.own_municipality, world.user(Role.MUNICIPAL_OFFICER)
    national_statuses()
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    measure = MeasureFactory(plan=plan, number=1, title="Trygga mötesplatser för unga")
    MeasureActorFactory(measure=measure, actor=world.police, role="lead")
    Comment.objects.create(measure=measure, author=officer, author_name="Annica", body="Intern tråd om lokalerna")
    draft_plan = ActionPlanFactory(county=world.own_county, title="Hemligt planutkast", status="draft")
    MeasureFactory(plan=draft_plan, number=1, title="Insats i planutkastet")
    earlier = PledgeFactory(
        municipality=lund,
        title="Medborgarlöfte Lund 2024",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    ended = AgreementFactory(
        municipality=lund, title="Överenskommelse Lund 2020–2023", start_year=2020, end_year=2023, status="ended"
    )
    draft_agreement = AgreementFactory(municipality=lund, title="Utkast till ny överenskommelse", status="draft")
    Signatory.objects.create(
        agreement=world.own_agreement, name="Philip Sandberg", title="Kommunstyrelsens ordförande", organisation="Lund"
    )
    Coordinator.objects.create(
        municipality=lund, name="Samordnaren Nilsson", email="samordnare.nilsson@lund.se", phone="046-359 50 00"
    )
    CouncilMember.objects.create(municipality=lund, name="Rådsledamot Ek", organisation="Polisen", kind="police")
    world.own_pledge.reviews.update(comments="Granskarens kommentar om löftet")
    answers = {pk: ("done", "Klart") for pk, _label in agreement_queries.follow_up_items(world.own_pledge)}
    published = agreement_services.record_follow_up(
        world.own_pledge,
        date=TODAY,
        assessment="good",
        summary="Trygghetsvandringar i centrum genomfördes",
        answers=answers,
        user=officer,
        publish=True,
    )
    unpublished = agreement_services.record_follow_up(
        world.own_pledge,
        date=TODAY,
        assessment="partly",
        summary="Opublicerad uppföljning om kameror",
        answers=answers,
        user=officer,
    )
    round_ = open_municipal_round(world.own_county, user=world.user(Role.COUNTY_COORDINATOR))
    request = round_.requests.get(agreement=world.own_agreement)
    round_follow_up = agreement_services.save_round_follow_up(
        request,
        date=TODAY,
        assessment="good",
        summary="Lägesbilden togs fram tillsammans",
        answers={pk: ("ongoing", "") for pk, _l in agreement_queries.follow_up_items(world.own_agreement)},
        user=officer,
        submit=True,
    )
    agreement_services.review_follow_up(
        round_follow_up, "approve", comment="Godkänd av samordnaren", user=world.user(Role.COUNTY_COORDINATOR)
    )
    round_follow_up.refresh_from_db()
    public_document = stored_document(
        AgreementDocument(agreement=world.own_agreement, visibility="public"), "Offentligt avtal.pdf"
    )
    internal_document = stored_document(AgreementDocument(agreement=world.own_agreement), "Internt underlag.pdf")
    return grown(
        PublicWorld,
        world,
        own_plan=plan,
        draft_plan=draft_plan,
        draft_pledge=world.own_draft,
        earlier_pledge=earlier,
        ended_agreement=ended,
        draft_agreement=draft_agreement,
        published_follow_up=published,
        round_follow_up=round_follow_up,
        unpublished_follow_up=unpublished,
        public_document=public_document,
        internal_document=internal_document,
        published={
            "own pledge": world.own_pledge.title,
            "foreign pledge": world.foreign_pledge.title,
            "earlier pledge": earlier.title,
            "own agreement": world.own_agreement.title,
            "foreign agreement": world.foreign_agreement.title,
            "ended agreement": ended.title,
            "published follow-up": published.summary,
            "round follow-up": round_follow_up.summary,
            "public document": public_document.original_name,
            "signatory": "Kommunstyrelsens ordförande Philip Sandberg",
            "plan": plan.title,
            "measure": measure.title,
        },
        hidden={
            "draft pledge": world.own_draft.title,
            "draft agreement": draft_agreement.title,
            "draft plan": draft_plan.title,
            "unpublished follow-up": unpublished.summary,
            "internal document": internal_document.original_name,
            "review": "Granskarens kommentar om löftet",
            "review of the round": "Godkänd av samordnaren",
            "comment": "Intern tråd om lokalerna",
            "coordinator's e-mail": "samordnare.nilsson@lund.se",
            "coordinator's phone": "046-359 50 00",
            "coordinator": "Samordnaren Nilsson",
            "council member": "Rådsledamot Ek",
            "officer's e-mail": officer.email,
            "author": officer.get_full_name() or officer.username,
        },
    )
