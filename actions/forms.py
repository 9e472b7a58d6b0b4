from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import (
    ActionPlan,
    Actor,
    ActorRole,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureActor,
    Milestone,
    ProgressStatus,
    ProgressUpdate,
    SupportActivity,
    WorkingGroupMember,
)
from actions.queries import normalised_name, similar_actors
from core.concurrency import VersionedForm
from core.editing import ParentAwareFormSet
from core.files.fields import DocumentField
from core.files.models import Publicity
from core.files.validation import ATTACHMENT_KINDS
from core.forms import DateInput
from core.rounds import round_date_errors
from municipalities.models import County, Municipality

DATE = DateInput()


def county_actors(county_id: int):
    """Actors that can take part in a county's plan: the county's own and the national ones."""
    return Actor.objects.filter(Q(county__isnull=True) | Q(county_id=county_id)).order_by("name")


class ActorForm(forms.ModelForm):
    """A county's own actor. A name like one the county already sees ("Polisen" beside "Polisen
    Region Mitt") is saved only when the user confirms it with "Save anyway" (``SAVE_ANYWAY``, whose
    value is the name confirmed, so a changed name is checked again)."""

    SAVE_ANYWAY = "save_anyway"

    class Meta:
        model = Actor
        fields = ["name", "kind"]

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.similar: list[Actor] = []

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the actor's name."))
        similar = similar_actors(name, self.county, exclude=self.instance.pk)
        same = [actor for actor in similar if normalised_name(actor.name) == normalised_name(name)]
        if same:
            where = _("national actor") if same[0].county_id is None else self.county.name
            raise forms.ValidationError(
                _("There is already an actor named “%(name)s” (%(where)s).") % {"name": same[0].name, "where": where}
            )
        if similar and " ".join(self.data.get(self.SAVE_ANYWAY, "").split()) != name:
            self.similar = similar
            raise forms.ValidationError(
                _("Check the name: actors with similar names exist. Save anyway if this is another actor.")
            )
        return name


class ActionPlanForm(VersionedForm):
    document = DocumentField(label=_("Add a document"), required=False)
    document_visibility = forms.ChoiceField(
        label=_("Is the document public?"),
        choices=Publicity.choices,
        initial=Publicity.INTERNAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Applies to the document you add now. A public document is also shown on the public site."),
    )

    class Meta:
        model = ActionPlan
        fields = ["title", "status", "adopted_on", "period_start", "period_end", "adopting_actors", "description"]
        widgets = {
            "adopted_on": DATE,
            "period_start": DATE,
            "period_end": DATE,
            "adopting_actors": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopting_actors"].queryset = county_actors(county.pk)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


class MeasureForm(VersionedForm):
    class Meta:
        model = Measure
        fields = [
            "number",
            "title",
            "description",
            "purpose",
            "start_date",
            "target_date",
            "weight",
            "municipalities",
        ]
        widgets = {
            "start_date": DATE,
            "target_date": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "municipalities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["municipalities"].queryset = Municipality.objects.filter(county_id=plan.county_id).order_by("name")

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = Measure.objects.filter(plan=self.plan, number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("The plan already has a measure number %(number)s.") % {"number": number})
        return number

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("target_date")
        if start and end and end < start:
            self.add_error("target_date", _("The target date cannot be before the start date."))
        return cleaned


class MeasureActorFormSetBase(ParentAwareFormSet):
    def __init__(self, *args, **kwargs):
        # Each row's legend names its actor.
        kwargs.setdefault("queryset", MeasureActor.objects.select_related("actor"))
        super().__init__(*args, **kwargs)
        self.limit_choices("actor", county_actors(self.instance.plan.county_id))

    def clean(self):
        super().clean()
        chosen, leads = set(), 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            actor = form.cleaned_data.get("actor")
            if actor in chosen:
                form.add_error("actor", _("The actor is already listed for this measure."))
            chosen.add(actor)
            leads += form.cleaned_data.get("role") == ActorRole.LEAD
        if leads > 1:
            raise forms.ValidationError(_("A measure has one lead actor; make the others participants."))


MeasureActorFormSet = inlineformset_factory(
    Measure,
    MeasureActor,
    formset=MeasureActorFormSetBase,
    fields=["actor", "role", "part"],
    extra=1,
    can_delete=True,
)

WorkingGroupFormSet = inlineformset_factory(
    Measure,
    WorkingGroupMember,
    formset=ParentAwareFormSet,
    fields=["name", "organisation", "role"],
    extra=1,
    can_delete=True,
)

MilestoneFormSet = inlineformset_factory(
    Measure,
    Milestone,
    formset=ParentAwareFormSet,
    fields=["title", "due_date", "done_on"],
    widgets={"due_date": DATE, "done_on": DATE},
    extra=1,
    can_delete=True,
)


class ProgressUpdateForm(forms.ModelForm):
    """The short form an actor contact fills in within two minutes."""

    class Meta:
        model = ProgressUpdate
        fields = ["status", "percent", "done_text", "next_steps", "risks", "date"]
        widgets = {
            "date": DATE,
            "done_text": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "risks": forms.Textarea(attrs={"rows": 2}),
            "percent": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = ProgressStatus.objects.for_county(measure.plan.county_id)
        self.fields["status"].empty_label = None
        if measure.latest_update and not self.is_bound:
            self.initial.setdefault("status", measure.latest_update.status_id)
            self.initial.setdefault("percent", measure.latest_update.percent)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE, initial=timezone.localdate)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "direction"]


IndicatorValueFormSet = inlineformset_factory(
    Indicator,
    IndicatorValue,
    fields=["date", "value"],
    widgets={"date": DATE},
    extra=1,
    can_delete=True,
)


class SupportActivityForm(forms.ModelForm):
    class Meta:
        model = SupportActivity
        fields = [
            "title",
            "kind",
            "date",
            "place",
            "organiser",
            "participants",
            "municipalities",
            "counties",
            "measure",
            "description",
        ]
        widgets = {
            "date": DATE,
            "municipalities": forms.CheckboxSelectMultiple,
            "counties": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.filter(county=county).order_by("name")
        self.fields["counties"].queryset = County.objects.exclude(pk=county.pk)
        self.fields["counties"].help_text = _("Other counties that took part, for joint activities.")
        self.fields["measure"].queryset = Measure.objects.filter(plan__county=county).select_related("plan")


class ProgressStatusForm(forms.ModelForm):
    class Meta:
        model = ProgressStatus
        fields = ["name", "code", "tone", "is_done", "is_cancelled", "position"]

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county

    def clean_code(self):
        code = self.cleaned_data["code"]
        if ProgressStatus.objects.filter(Q(county__isnull=True) | Q(county=self.county), code=code).exists():
            raise forms.ValidationError(_("A status with this code already exists."))
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_done") and cleaned.get("is_cancelled"):
            raise forms.ValidationError(_("A status cannot mean both done and cancelled."))
        return cleaned


# --- Follow-up rounds -------------------------------------------------------------------------


class RoundForm(forms.ModelForm):
    """A new follow-up round: the period, the deadline, the measures asked about and whom to ask."""

    measures = forms.ModelMultipleChoiceField(
        label=_("Measures in the round"),
        queryset=Measure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every measure that is neither done nor cancelled is chosen to begin with."),
        error_messages={"required": _("Choose at least one measure for the round.")},
    )
    ask_participants = forms.BooleanField(
        label=_("Also ask the contacts of participating actors"),
        required=False,
        help_text=_("The lead actor's contacts are always asked."),
    )
    ask_municipalities = forms.BooleanField(
        label=_("Also ask the officers of participating municipalities"), required=False
    )

    class Meta:
        model = FollowUpRound
        fields = ["title", "period_start", "period_end", "deadline", "remind_days_before", "message"]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "deadline": DATE,
            "message": forms.Textarea(attrs={"rows": 3}),
            "remind_days_before": forms.NumberInput(attrs={"min": 1, "max": 60}),
        }

    def __init__(self, *args, plan: ActionPlan, candidates: list[Measure], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = Measure.objects.filter(plan=plan).order_by("number")
        self.fields["measures"].label_from_instance = str
        if not self.is_bound:
            self.initial.setdefault("measures", [measure.pk for measure in candidates])

    def clean(self):
        cleaned = super().clean()
        errors = round_date_errors(cleaned.get("period_start"), cleaned.get("period_end"), cleaned.get("deadline"))
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


class DeadlineForm(VersionedForm):
    """A later deadline for a round."""

    class Meta:
        model = FollowUpRound
        fields = ["deadline"]
        widgets = {"deadline": DATE}
        labels = {"deadline": _("New deadline")}

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= FollowUpRound.objects.values_list("deadline", flat=True).get(pk=self.instance.pk):
            raise forms.ValidationError(_("The new deadline must be later than the current one."))
        return deadline


class RoundUpdateForm(forms.ModelForm):
    """The update a person asked fills in for a round: saved as a draft or submitted for review."""

    attachment = DocumentField(label=_("Attach a file"), required=False, kinds=ATTACHMENT_KINDS)

    class Meta:
        model = ProgressUpdate
        fields = ["status", "percent", "done_text", "next_steps", "risks"]
        widgets = ProgressUpdateForm.Meta.widgets

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = ProgressStatus.objects.for_county(measure.plan.county_id)
        self.fields["status"].empty_label = None
        if self.instance.pk is None and measure.latest_update and not self.is_bound:
            self.initial.setdefault("status", measure.latest_update.status_id)
            self.initial.setdefault("percent", measure.latest_update.percent)
        self.indicators = list(measure.indicators.all())
        reported = self.instance.indicator_values or {}
        for indicator in self.indicators:
            label = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            self.fields[self.indicator_field(indicator)] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=reported.get(str(indicator.pk)),
                help_text=_("The value for the round's period; leave empty if it is not measured yet."),
            )

    @staticmethod
    def indicator_field(indicator: Indicator) -> str:
        return f"indicator_{indicator.pk}"

    def indicator_values(self) -> dict:
        values = {}
        for indicator in self.indicators:
            value = self.cleaned_data.get(self.indicator_field(indicator))
            if value is not None:
                values[indicator.pk] = value
        return values


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the update")), ("return", _("Return it for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the update: say what should be revised."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what should be revised: the comment goes to the authors."))
        return cleaned


class HandOverForm(forms.Form):
    colleague = forms.ModelChoiceField(label=_("Colleague"), queryset=None, empty_label=None)

    def __init__(self, *args, colleagues: list, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["colleague"]
        field.queryset = get_user_model().objects.filter(pk__in=[c.pk for c in colleagues])
        field.label_from_instance = lambda user: f"{user} ({user.email})"


class CommentForm(forms.Form):
    """A comment: plain text (shown with its line breaks, never as markup), and the people it mentions."""

    body = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Plain text; line breaks are kept. Everyone who reads what you comment on in the portal can read it."
        ),
    )
    mentions = forms.ModelMultipleChoiceField(
        label=_("Mention"),
        queryset=None,
        required=False,
        help_text=_(
            "The people you mention get an e-mail with a link to the comment. Hold down Ctrl (Cmd on a Mac) to "
            "choose more than one."
        ),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentions"].queryset = people
        self.fields["mentions"].widget.attrs["size"] = 6
