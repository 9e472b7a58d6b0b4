"""The register of personal data: every place the portal keeps something about a person, in one list.

Each ``Place`` names a model (by its label), the fields in it that say something about a person,
why they are kept and on what legal basis (shown on the register page, ``/personuppgifter/``), how a
person's rows are found there, and what happens to them when the person is removed
(``portal.privacy.services.remove_person``). A model's change history (django-simple-history) copies
its fields: the history's copies are found and treated with the model's own rows, and who made each
change (``history_user``) is the one ``HISTORY`` place.

``tests/privacy/test_register.py`` walks every installed model: every foreign key or many-to-many
field to the user model, and every field named like a name, an e-mail address or a telephone
number, must be in a place here or in ``NOT_PERSONAL`` with the reason. A new personal field
cannot be forgotten: its test fails until it is declared.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class OnRemoval(StrEnum):
    """What removing a person does to their rows in a place."""

    ACCOUNT = "account"  # the user row itself: names, e-mail and username replaced, no password, inactive
    KEEP = "keep"  # the row stays and still points to the (now anonymised) account: what was reported stays
    REPLACE = "replace"  # the personal fields are replaced by "Tidigare användare" (texts) or emptied
    DELETE = "delete"  # the rows go: they serve only the person while active (sessions, grants, followings)
    REVOKE = "revoke"  # the rows stay as a record but stop working (API keys)


REMOVAL_TEXTS = {
    OnRemoval.ACCOUNT: _("Names, e-mail and user name replaced; no password; deactivated."),
    OnRemoval.KEEP: _("Kept; shows “Tidigare användare” as the person."),
    OnRemoval.REPLACE: _("Names replaced by “Tidigare användare”, contact details emptied; the rest kept."),
    OnRemoval.DELETE: _("Deleted."),
    OnRemoval.REVOKE: _("Revoked; kept as a record."),
}


@dataclass(frozen=True)
class LegalBasis:
    """A legal basis: a short name for the register's table and the text that explains it."""

    label: Promise
    text: Promise

    def __str__(self) -> str:
        return str(self.text)


PUBLIC_TASK = LegalBasis(
    _("Public task"),
    _(
        "Task in the public interest (GDPR art. 6.1 e): the crime-prevention work of the municipalities and "
        "county administrative boards under Lag (2023:196) om kommuners ansvar för brottsförebyggande arbete."
    ),
)
SECURITY = LegalBasis(
    _("Security"),
    _(
        "Legitimate interest and security of processing (GDPR art. 6.1 e and 32): protecting the portal "
        "against misuse and being able to trace who did what."
    ),
)
ARCHIVES = LegalBasis(
    _("Public records"),
    _(
        "Task in the public interest and the rules on public records (GDPR art. 6.1 e, "
        "arkivlagen 1990:782): what was reported and decided is kept as it was."
    ),
)
LEGAL_BASES = (PUBLIC_TASK, SECURITY, ARCHIVES)


@dataclass(frozen=True)
class Place:
    """One model's personal data.

    ``fields``: the personal fields shown in the register and the export. ``links``: the fields that
    point to the person's account (foreign keys or many-to-many); their rows are the person's.
    ``copies``: text fields copied from a linked account, {text field: link field} (an update's
    ``author_name`` is its ``author``'s name then). ``matched``: text fields a person without an
    account (or an account's name and e-mail) is found by, {field: "name" | "email" | "username"}.
    ``replaced``: the fields of a matched row set to "Tidigare användare" on removal (by default the
    fields it is matched by name); ``cleared``: the fields emptied; ``ends``: a time field set on
    removal where empty, so the row stops working (an invitation's ``revoked_at``).
    ``linked_cleared``: fields emptied in the rows linked to the account (an e-mail change's addresses).
    ``secret``: fields never exported (password hashes, session data, keys). ``always``: the matched
    rows are all the person's, taken without the administrator choosing.
    """

    model: str
    fields: tuple[str, ...]
    purpose: Promise
    legal_basis: LegalBasis
    on_removal: OnRemoval
    links: tuple[str, ...] = ()
    copies: dict[str, str] = field(default_factory=dict)
    matched: dict[str, str] = field(default_factory=dict)
    replaced: tuple[str, ...] = ()
    cleared: tuple[str, ...] = ()
    linked_cleared: tuple[str, ...] = ()
    ends: str = ""
    secret: tuple[str, ...] = ()
    # The matched rows are always the person's (their own sign-in records, exports of their data), so
    # the removal takes them all rather than letting the administrator choose.
    always: bool = False

    @property
    def replaced_fields(self) -> tuple[str, ...]:
        return self.replaced or tuple(name for name, attribute in self.matched.items() if attribute == "name")

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    @property
    def key(self) -> str:
        return self.model.lower().replace(".", "-")

    @property
    def verbose_name(self) -> str:
        if self is HISTORY:
            return str(_("change history"))
        return str(self.model_class._meta.verbose_name_plural)

    @property
    def field_labels(self) -> list[str]:
        if self is HISTORY:
            return [str(_("who made the change")), str(_("when"))]
        meta = self.model_class._meta
        return [str(meta.get_field(name).verbose_name) for name in self.fields]

    @property
    def removal_text(self) -> str:
        return str(REMOVAL_TEXTS[self.on_removal])

    @property
    def history_model(self) -> type[Model] | None:
        """The model's historical records (django-simple-history), which copy its fields, if it has them."""
        manager = getattr(self.model_class, "history", None)
        return getattr(manager, "model", None)


DOCUMENT = _("Who uploaded the document.")

PLACES: tuple[Place, ...] = (
    Place(
        "portal.User",
        ("username", "first_name", "last_name", "email", "language", "notice_choices", "last_login", "date_joined"),
        _("The account: signing in, the name shown with what the person did, where e-mail from the portal goes."),
        PUBLIC_TASK,
        OnRemoval.ACCOUNT,
        secret=("password",),
    ),
    Place(
        "portal.Grant",
        ("user", "role", "county", "municipality", "actor"),
        _("What the person may see and change: their roles and where."),
        PUBLIC_TASK,
        OnRemoval.DELETE,
        links=("user",),
    ),
    Place(
        "portal.Invitation",
        ("first_name", "last_name", "email", "role", "invited_by", "accepted_by", "revoked_by", "sent_at"),
        _("Invitations into a county: to whom they were sent, and who invited, accepted or revoked them."),
        PUBLIC_TASK,
        OnRemoval.REPLACE,
        links=("invited_by", "accepted_by", "revoked_by"),
        matched={"email": "email"},
        replaced=("first_name",),
        cleared=("last_name", "email"),
        ends="revoked_at",
        secret=("token_hash",),
    ),
    Place(
        "sso.IdentityLink",
        ("user", "provider", "issuer", "subject", "created_at", "last_used_at"),
        _("The person's identity at their organisation's identity provider (single sign-on)."),
        SECURITY,
        OnRemoval.DELETE,
        links=("user",),
    ),
    Place(
        "profile.EmailChange",
        ("user", "old_email", "new_email", "requested_at", "confirmed_at"),
        _("The person's changes of e-mail address, confirmed from the new address."),
        SECURITY,
        OnRemoval.REPLACE,
        links=("user",),
        linked_cleared=("old_email", "new_email"),
        ends="cancelled_at",
    ),
    Place(
        "portal.ApiToken",
        ("user", "created_at", "last_used_at", "revoked_at"),
        _("The person's keys for the API."),
        SECURITY,
        OnRemoval.REVOKE,
        links=("user",),
        secret=("key_hash",),
    ),
    Place(
        "portal.Report",
        ("requested_by",),
        _("Who asked for a report."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("requested_by",),
    ),
    Place(
        "municipalities.KeyFigureImport",
        ("requested_by",),
        _("Who started an import of key figures."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("requested_by",),
    ),
    Place(
        "user_sessions.Session",
        ("user", "ip", "user_agent", "last_activity", "expire_date"),
        _("The person's signed-in sessions: from where and with which browser."),
        SECURITY,
        OnRemoval.DELETE,
        links=("user",),
        secret=("session_key", "session_data"),
    ),
    Place(
        "admin.LogEntry",
        ("user", "action_time"),
        _("Changes made on the admin site."),
        SECURITY,
        OnRemoval.KEEP,
        links=("user",),
    ),
    Place(
        "axes.AccessAttempt",
        ("username", "ip_address", "user_agent", "attempt_time"),
        _("Failed sign-ins, to lock out password guessing."),
        SECURITY,
        OnRemoval.DELETE,
        matched={"username": "username"},
        always=True,
    ),
    Place(
        "axes.AccessFailureLog",
        ("username", "ip_address", "user_agent", "attempt_time"),
        _("Failed sign-ins, to lock out password guessing."),
        SECURITY,
        OnRemoval.DELETE,
        matched={"username": "username"},
        always=True,
    ),
    Place(
        "axes.AccessLog",
        ("username", "ip_address", "user_agent", "attempt_time", "logout_time"),
        _("Sign-ins and sign-outs."),
        SECURITY,
        OnRemoval.DELETE,
        matched={"username": "username"},
        always=True,
    ),
    Place(
        "otp_totp.TOTPDevice",
        ("user", "name", "created_at", "last_used_at"),
        _("The person's authenticator app (second factor)."),
        SECURITY,
        OnRemoval.DELETE,
        links=("user",),
        secret=("key",),
    ),
    Place(
        "otp_static.StaticDevice",
        ("user", "name", "created_at", "last_used_at"),
        _("The person's recovery codes (second factor)."),
        SECURITY,
        OnRemoval.DELETE,
        links=("user",),
    ),
    Place(
        "core.Reminder",
        ("recipient", "kind", "due_date", "sent_at"),
        _("Which reminders and notices were sent to the person, so each is sent once."),
        PUBLIC_TASK,
        OnRemoval.KEEP,
        links=("recipient",),
    ),
    Place(
        "core.DigestEntry",
        ("recipient", "subject", "created_at"),
        _("Notices waiting for the person's daily digest."),
        PUBLIC_TASK,
        OnRemoval.DELETE,
        links=("recipient",),
    ),
    Place(
        "municipalities.CouncilMember",
        ("name", "role", "organisation"),
        _("The members of a municipality's crime-prevention council."),
        PUBLIC_TASK,
        OnRemoval.REPLACE,
        matched={"name": "name"},
    ),
    Place(
        "municipalities.Coordinator",
        ("name", "title", "email", "phone"),
        _("A municipality's crime-prevention coordinators and how to reach them."),
        PUBLIC_TASK,
        OnRemoval.REPLACE,
        matched={"name": "name", "email": "email"},
        cleared=("title", "email", "phone"),
    ),
    Place(
        "municipalities.ComplianceDocument",
        ("uploaded_by",),
        DOCUMENT,
        ARCHIVES,
        OnRemoval.KEEP,
        links=("uploaded_by",),
    ),
    Place(
        "actions.PlanDocument",
        ("uploaded_by",),
        DOCUMENT,
        ARCHIVES,
        OnRemoval.KEEP,
        links=("uploaded_by",),
    ),
    Place(
        "actions.UpdateAttachment",
        ("uploaded_by",),
        DOCUMENT,
        ARCHIVES,
        OnRemoval.KEEP,
        links=("uploaded_by",),
    ),
    Place(
        "agreements.AgreementDocument",
        ("uploaded_by",),
        DOCUMENT,
        ARCHIVES,
        OnRemoval.KEEP,
        links=("uploaded_by",),
    ),
    Place(
        "actions.WorkingGroupMember",
        ("name", "organisation", "role"),
        _("The members of a measure's working group."),
        PUBLIC_TASK,
        OnRemoval.REPLACE,
        matched={"name": "name"},
    ),
    Place(
        "actions.ProgressUpdate",
        ("author", "author_name", "reviewed_by", "date"),
        _("Who wrote and who reviewed a progress update."),
        ARCHIVES,
        OnRemoval.REPLACE,
        links=("author", "reviewed_by"),
        copies={"author_name": "author"},
    ),
    Place(
        "actions.Comment",
        ("author", "author_name", "mentions", "created_at"),
        _("Who wrote a comment, and who was mentioned in it."),
        ARCHIVES,
        OnRemoval.REPLACE,
        links=("author", "mentions"),
        copies={"author_name": "author"},
    ),
    Place(
        "actions.MeasureFollow",
        ("user", "following", "changed_at"),
        _("The measures the person chose to follow or not."),
        PUBLIC_TASK,
        OnRemoval.DELETE,
        links=("user",),
    ),
    Place(
        "actions.FollowUpRound",
        ("opened_by",),
        _("Who opened a follow-up round."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("opened_by",),
    ),
    Place(
        "actions.RoundRequest",
        ("addressees",),
        _("Who was asked to report in a follow-up round."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("addressees",),
    ),
    Place(
        "agreements.Signatory",
        ("name", "title", "organisation"),
        _("Who signed a cooperation agreement."),
        ARCHIVES,
        OnRemoval.REPLACE,
        matched={"name": "name"},
        cleared=("title",),
    ),
    Place(
        "agreements.FollowUp",
        ("author", "author_name", "reviewed_by", "date"),
        _("Who wrote and who reviewed a follow-up."),
        ARCHIVES,
        OnRemoval.REPLACE,
        links=("author", "reviewed_by"),
        copies={"author_name": "author"},
    ),
    Place(
        "agreements.QualityReview",
        ("reviewer", "reviewer_name", "date"),
        _("Who made a quality review."),
        ARCHIVES,
        OnRemoval.REPLACE,
        links=("reviewer",),
        copies={"reviewer_name": "reviewer"},
    ),
    Place(
        "agreements.MunicipalRound",
        ("opened_by",),
        _("Who opened a municipal follow-up round."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("opened_by",),
    ),
    Place(
        "agreements.MunicipalRequest",
        ("addressees",),
        _("Who was asked to follow up a pledge or an agreement."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("addressees",),
    ),
    Place(
        "privacy.PersonExport",
        ("person", "name", "email", "requested_by", "created_at"),
        _("A person's export as a PDF, kept a few days for the administrator who asked for it."),
        SECURITY,
        OnRemoval.DELETE,
        links=("person", "requested_by"),
        matched={"name": "name", "email": "email"},
        secret=("file",),
        always=True,
    ),
    Place(
        "privacy.PersonRemoval",
        ("person", "removed_by", "removed_at"),
        _("Who removed whose personal data, and when."),
        ARCHIVES,
        OnRemoval.KEEP,
        links=("person", "removed_by"),
    ),
)

# Who made each change in every model's history (django-simple-history's ``history_user``).
HISTORY = Place(
    "history",
    ("history_user", "history_date"),
    _("Who made each change in the change history."),
    ARCHIVES,
    OnRemoval.KEEP,
    links=("history_user",),
)

# Fields that look personal by their names but are not, and why.
NOT_PERSONAL: dict[str, str] = {
    "municipalities.KeyFigureKind.name": "the name of a key figure (a statistic), such as a Kolada KPI's",
    "municipalities.KeyFigureImport.file_name": "the name of a statistics file (an export of Brå or SCB) as uploaded",
    "auth.Permission.name": "a permission's name",
    "auth.Group.name": "a group's name",
    "django_celery_beat.PeriodicTask.name": "a scheduled job's name",
    "municipalities.County.name": "a county's name",
    "municipalities.County.short_name": "a county's name",
    "municipalities.Municipality.name": "a municipality's name",
    "municipalities.Municipality.council_name": "the council's name",
    "actions.Actor.name": "an organisation's name",
    "actions.ProgressStatus.name": "a status's name",
    "actions.Indicator.name": "an indicator's name",
    "agreements.FocusArea.name": "a focus area's name",
    "portal.ApiToken.name": "what the key is for",
    "otp_totp.TOTPDevice.name": "the device's name",
    "otp_static.StaticDevice.name": "the device's name",
    "municipalities.ComplianceDocument.original_name": "the uploaded file's name",
    "actions.PlanDocument.original_name": "the uploaded file's name",
    "actions.UpdateAttachment.original_name": "the uploaded file's name",
    "agreements.AgreementDocument.original_name": "the uploaded file's name",
    "portal.AccessibilityStatement.feedback_email": "the organisation's address for feedback, never a person's",
    "portal.PrivacyNotice.contact_email": "the organisation's address for questions, never a person's",
    "portal.PublicContact.email": "a municipality's or county board's public address, never a person's",
    "portal.PublicContact.phone": "a municipality's or county board's switchboard, never a person's",
}


def place_for(model: type[Model]) -> Place | None:
    """The place of ``model``, or of the model whose history ``model`` is."""
    model = getattr(model, "instance_type", model)
    label = model._meta.label
    return next((place for place in PLACES if place.model == label), None)


def installed_places() -> tuple[Place, ...]:
    """The places whose apps are installed (all of them, in the portal as shipped)."""
    return tuple(place for place in PLACES if _has(place.model))


def _has(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


@functools.cache
def migrated_models() -> frozenset[str]:
    """The models the migrations make tables for (``app_label.modelname``): a model declared elsewhere,
    such as a test's own, has no table and holds nothing."""
    from django.db.migrations.loader import MigrationLoader  # noqa: PLC0415 - read once, when first asked

    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    return frozenset(f"{app_label}.{model_name}" for app_label, model_name in state.models)


def history_models() -> list[type[Model]]:
    """Every model's historical records (django-simple-history) that has a table, in a fixed order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if hasattr(model, "instance_type")
            and hasattr(model, "history_user")
            and model._meta.label_lower in migrated_models()
        ),
        key=lambda model: model._meta.label,
    )
