"""Forms of the people pages: invite one person, invite many from a pasted list, give a role,
set the password of an accepted invitation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from actions.models import Actor
from core.roles import Role
from municipalities.models import Municipality
from portal.models import User
from portal.people.services import Target

ROLE_HELP = {
    Role.MUNICIPAL_OFFICER: _("Keeps one or more municipalities current: profile, council, pledges, agreement."),
    Role.ACTOR_CONTACT: _("Reports progress on the measures of one actor (the Police, the Region …)."),
    Role.STEERING_GROUP: _("Reads the county's plan, rounds and progress reports."),
    Role.COUNTY_COORDINATOR: _("Runs the county's plan, rounds and people (given by a national administrator)."),
}


class TargetForm(forms.Form):
    """The role and its scope within one county: municipalities for an officer, an actor for a contact."""

    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a municipal officer: the municipalities they keep current."),
    )
    actor = forms.ModelChoiceField(
        label=_("Actor"),
        queryset=Actor.objects.none(),
        required=False,
        empty_label=_("Choose an actor"),
        help_text=_("For an actor contact: the organisation they report for."),
    )

    def __init__(self, *args, county, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        self.role_help = {role: ROLE_HELP[role] for role in roles}
        self.fields["municipalities"].queryset = Municipality.objects.filter(county=county).order_by("name")
        self.fields["actor"].queryset = Actor.objects.filter(Q(county=county) | Q(county__isnull=True)).order_by("name")

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.MUNICIPAL_OFFICER and not data.get("municipalities"):
            self.add_error("municipalities", _("Choose at least one municipality."))
        if role == Role.ACTOR_CONTACT and not data.get("actor"):
            self.add_error("actor", _("Choose the actor the person is a contact of."))
        return data

    def target(self) -> Target:
        data = self.cleaned_data
        role = data["role"]
        return Target(
            county=self.county,
            role=role,
            municipalities=tuple(data["municipalities"]) if role == Role.MUNICIPAL_OFFICER else (),
            actor=data["actor"] if role == Role.ACTOR_CONTACT else None,
        )


class InvitationForm(TargetForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The invitation is sent here. An address that already has an account gets the role at once."),
    )

    field_order = ["first_name", "last_name", "email", "role", "municipalities", "actor"]


# --- Many at once -----------------------------------------------------------------------------------

ROLE_WORDS = {
    Role.MUNICIPAL_OFFICER: ("kommunal samordnare", "kommunhandläggare", "handläggare", "kommun", "municipal officer"),
    Role.ACTOR_CONTACT: ("aktörskontakt", "kontaktperson", "kontakt", "aktör", "actor contact", "contact"),
    Role.STEERING_GROUP: ("styrgrupp", "styrgruppsledamot", "ledamot", "steering group", "steering"),
    Role.COUNTY_COORDINATOR: ("samordnare", "länssamordnare", "coordinator", "county coordinator"),
}
MAX_LINES = 200


@dataclass
class Line:
    """One line of a pasted list, read: what it asks for, or what is wrong with it."""

    number: int
    text: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    role: str = ""
    scope_label: str = ""
    target: Target | None = None
    has_account: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def get_role_display(self) -> str:
        return str(Role(self.role).label) if self.role else ""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _role_for(word: str, roles: list[str]) -> str:
    word = word.strip().casefold()
    for role in roles:
        if word in ROLE_WORDS[role] or word == role or word == str(Role(role).label).casefold():
            return role
    return ""


def _read_scope(line: Line, scope: str, county, municipalities: dict, actors: dict) -> None:
    """The line's target from its scope column, or its error."""
    if line.role == Role.MUNICIPAL_OFFICER:
        names = [part.strip() for part in scope.split(",") if part.strip()]
        found = [municipalities.get(_key(name)) for name in names]
        missing = [name for name, municipality in zip(names, found, strict=True) if municipality is None]
        if not names:
            line.errors.append(_gettext("Name the officer's municipalities."))
        elif missing:
            line.errors.append(
                _gettext("%(names)s is not a municipality of %(county)s.")
                % {"names": ", ".join(name[:60] for name in missing), "county": county}
            )
        else:
            line.target = Target(county=county, role=line.role, municipalities=tuple(found))
            line.scope_label = ", ".join(municipality.name for municipality in found)
    elif line.role == Role.ACTOR_CONTACT:
        actor = actors.get(_key(scope))
        if actor is None:
            line.errors.append(
                _gettext("“%(name)s” is not an actor working in %(county)s.") % {"name": scope[:100], "county": county}
            )
        else:
            line.target = Target(county=county, role=line.role, actor=actor)
            line.scope_label = actor.name
    else:
        line.target = Target(county=county, role=line.role)
        line.scope_label = str(county)


def _read_line(number: int, raw: str, roles: list[str], seen: dict[str, int]) -> tuple[Line, str]:
    """The line's name, address and role (or their errors), and its scope column."""
    line = Line(number=number, text=raw.strip()[:500])
    parts = [part.strip() for part in re.split(r"[;\t]", raw)] + ["", "", ""]
    name, email, role_word, scope = parts[0], parts[1], parts[2], ";".join(parts[3:]).strip(" ;")
    line.name = name[:300]
    if name:
        first, _sep, last = name.partition(" ")
        line.first_name, line.last_name = first[:150], last.strip()[:150]
    else:
        line.errors.append(_gettext("The name is missing."))
    try:
        validate_email(email)
        line.email = email
    except ValidationError:
        line.errors.append(_gettext("“%(email)s” is not an e-mail address.") % {"email": email[:100]})
    if email and email.casefold() in seen:
        line.errors.append(_gettext("The address is also on line %(line)s.") % {"line": seen[email.casefold()]})
    seen.setdefault(email.casefold(), number)
    line.role = _role_for(role_word, roles)
    if not line.role:
        line.errors.append(
            _gettext("“%(word)s” is not a role you can give here: write one of %(roles)s.")
            % {"word": role_word[:60], "roles": ", ".join(ROLE_WORDS[role][0] for role in roles)}
        )
    return line, scope


def read_lines(text: str, *, county, roles: list[str]) -> list[Line]:
    """Read a pasted list, one person a line: name; e-mail; role; scope (the municipalities, separated
    by commas, for an officer; the actor for a contact; nothing for the steering group). Three queries."""
    municipalities = {_key(m.name): m for m in Municipality.objects.filter(county=county)}
    # National actors first: a county's own actor of the same name wins.
    available = Actor.objects.filter(Q(county=county) | Q(county__isnull=True)).order_by("-county")
    actors = {_key(actor.name): actor for actor in available}
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            line, scope = _read_line(number, raw, roles, seen)
            if line.role:
                _read_scope(line, scope, county, municipalities, actors)
            if line.errors:
                line.target = None
            lines.append(line)
    addresses = {line.email.casefold() for line in lines if line.ok}
    if addresses:
        having = set(
            User.objects.annotate(address=Lower("email"))
            .filter(is_active=True, address__in=addresses)
            .values_list("address", flat=True)
        )
        for line in lines:
            line.has_account = line.ok and line.email.casefold() in having
    return lines


class InvitationListForm(forms.Form):
    lines = forms.CharField(
        label=_("People to invite, one a line"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        max_length=60_000,
        help_text=_(
            "Name; e-mail; role; scope. Role: kommunal samordnare, aktörskontakt or styrgrupp. Scope: the "
            "municipalities (separated by commas) for an officer, the actor for a contact, nothing for the "
            "steering group. For example: Eva Ek; eva.ek@lund.se; kommunal samordnare; Lund"
        ),
    )

    def __init__(self, *args, county, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.roles = roles
        self.read: list[Line] = []

    def clean_lines(self):
        text = self.cleaned_data["lines"]
        self.read = read_lines(text, county=self.county, roles=self.roles)
        if not self.read:
            raise ValidationError(_("Paste at least one line."))
        if len(self.read) > MAX_LINES:
            raise ValidationError(_("At most %(max)s people at a time.") % {"max": MAX_LINES})
        return text


# --- Accepting ----------------------------------------------------------------------------------------


class AcceptForm(forms.Form):
    """The password of the account an invitation makes, checked by Django's validators."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            someone = User(
                username=self.invitation.email,
                email=self.invitation.email,
                first_name=self.invitation.first_name,
                last_name=self.invitation.last_name,
            )
            try:
                password_validation.validate_password(first, someone)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
