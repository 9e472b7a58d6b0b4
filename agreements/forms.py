from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.forms import DeadlineForm, ReviewForm
from actions.models import Measure
from agreements.models import (
    CRITERIA,
    Assessment,
    CitizenPledge,
    CommitmentStatus,
    CooperationAgreement,
    Deliverable,
    FocusArea,
    FollowUp,
    MunicipalRound,
    Party,
    PledgeCommitment,
    PledgeStatus,
    Problem,
    QualityReview,
    Signatory,
)
from agreements.queries import item_key
from core.concurrency import VersionedForm
from core.editing import ParentAwareFormSet
from core.files.fields import DocumentField
from core.files.models import Publicity
from core.forms import DateInput
from core.rounds import round_date_errors
from municipalities.models import Municipality

DATE = DateInput()
YEAR = forms.NumberInput(attrs={"min": 2000, "max": 2100})


def related_measure_choices(municipality: Municipality):
    """The measures an agreement or a pledge may name: those of the county's plans that are not drafts.

    An agreement is read by the whole county and a published pledge by everyone, so a link to a
    draft plan's measure would show its title to people the draft is not for.
    """
    return Measure.objects.published().filter(plan__county_id=municipality.county_id).select_related("plan")


class RelatedMeasuresMixin:
    """Links to measures whose plan went back to draft are not offered, and kept as they are on save."""

    def clean_related_measures(self):
        chosen = self.cleaned_data["related_measures"]
        if self.instance.pk is None:
            return chosen
        offered = self.fields["related_measures"].queryset
        hidden = self.instance.related_measures.exclude(pk__in=offered.values("pk"))
        return [*chosen, *hidden]


class AgreementForm(RelatedMeasuresMixin, VersionedForm):
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
        model = CooperationAgreement
        fields = [
            "title",
            "police_area",
            "other_parties",
            "start_year",
            "end_year",
            "signed_on",
            "status",
            "step",
            "focus_areas",
            "summary",
            "related_measures",
        ]
        widgets = {
            "start_year": YEAR,
            "end_year": YEAR,
            "signed_on": DATE,
            "focus_areas": forms.CheckboxSelectMultiple,
            "related_measures": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_areas"].queryset = FocusArea.objects.for_county(municipality.county_id)
        self.fields["related_measures"].queryset = related_measure_choices(municipality)
        if not self.instance.pk:
            self.initial.setdefault("police_area", municipality.police_area)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The period cannot end before it starts."))
        return cleaned


class PledgeForm(RelatedMeasuresMixin, VersionedForm):
    class Meta:
        model = CitizenPledge
        fields = [
            "title",
            "agreement",
            "police_area",
            "period_start",
            "period_end",
            "background",
            "status",
            "related_measures",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "background": forms.Textarea(attrs={"rows": 4}),
            "related_measures": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = CooperationAgreement.objects.filter(municipality=municipality)
        self.fields["related_measures"].queryset = related_measure_choices(municipality)
        if not self.instance.pk:
            self.initial.setdefault("police_area", municipality.police_area)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if cleaned.get("status") == PledgeStatus.PUBLISHED and (
            self.instance.pk is None or not self.instance.commitments.exists()
        ):
            # A pledge is published once its commitments exist, each with the party that carries it out.
            self.add_error("status", _("Save the pledge as a draft first, add its commitments, then publish it."))
        return cleaned


SignatoryFormSet = inlineformset_factory(
    CooperationAgreement,
    Signatory,
    formset=ParentAwareFormSet,
    fields=["name", "title", "organisation"],
    extra=1,
    can_delete=True,
)


class ProblemFormSetBase(ParentAwareFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("focus_area", self.instance.focus_areas.all())


ProblemFormSet = inlineformset_factory(
    CooperationAgreement,
    Problem,
    formset=ProblemFormSetBase,
    fields=["focus_area", "problem", "causes", "goal"],
    widgets={
        "problem": forms.Textarea(attrs={"rows": 2}),
        "causes": forms.Textarea(attrs={"rows": 2}),
        "goal": forms.Textarea(attrs={"rows": 2}),
    },
    extra=1,
    can_delete=True,
)

DeliverableFormSet = inlineformset_factory(
    CooperationAgreement,
    Deliverable,
    formset=ParentAwareFormSet,
    fields=["title", "due_date", "done_on"],
    widgets={"due_date": DATE, "done_on": DATE},
    extra=1,
    can_delete=True,
)


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = PledgeCommitment
        fields = ["commitment", "party", "other_party", "activities", "status"]
        widgets = {
            "commitment": forms.Textarea(attrs={"rows": 2}),
            "activities": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("party") == Party.OTHER and not cleaned.get("other_party", "").strip():
            self.add_error("other_party", _("Name the actor that carries out the commitment."))
        if cleaned.get("party") != Party.OTHER:
            cleaned["other_party"] = ""
        return cleaned


CommitmentFormSet = inlineformset_factory(
    CitizenPledge,
    PledgeCommitment,
    form=CommitmentForm,
    formset=ParentAwareFormSet,
    extra=1,
    can_delete=True,
)


class FollowUpForm(forms.Form):
    """A follow-up that asks about each commitment (or deliverable) in turn."""

    date = forms.DateField(label=_("Date of the follow-up"), widget=DATE, initial=timezone.localdate)
    assessment = forms.ChoiceField(label=_("Overall assessment"), choices=Assessment.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    publish = forms.BooleanField(
        label=_("Publish the follow-up on the public site"),
        required=False,
        help_text=_("Residents then read it beside the pledge: what was promised, and what was done."),
    )

    def __init__(self, *args, items, **kwargs):
        """``items``: the commitments or deliverables to answer, as (key, label) pairs."""
        super().__init__(*args, **kwargs)
        self.item_keys = []
        for key, label in items:
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=_("Status: %(item)s") % {"item": label}, choices=CommitmentStatus.choices
            )
            self.fields[f"comment_{key}"] = forms.CharField(
                label=_("Comment on: %(item)s") % {"item": label}, required=False, max_length=500
            )
            self.item_keys.append(key)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date

    def answers(self) -> dict:
        return {
            key: (self.cleaned_data[f"status_{key}"], self.cleaned_data[f"comment_{key}"]) for key in self.item_keys
        }

    def item_fields(self):
        """(status field, comment field) per item, for the template to lay out one by one."""
        return [(self[f"status_{key}"], self[f"comment_{key}"]) for key in self.item_keys]


class QualityReviewForm(forms.ModelForm):
    class Meta:
        model = QualityReview
        fields = ["date", *(name for name, _label in CRITERIA), "comments"]
        widgets = {
            "date": DATE,
            "comments": forms.Textarea(attrs={"rows": 4}),
            **{name: forms.NumberInput(attrs={"min": 0, "max": 3}) for name, _label in CRITERIA},
        }

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class FocusAreaForm(forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["name", "position"]


# --- Municipal follow-up rounds ------------------------------------------------------------------------


class MunicipalRoundForm(forms.ModelForm):
    """A new municipal follow-up round: the period, the deadline and the pledges and agreements asked about."""

    items = forms.MultipleChoiceField(
        label=_("Pledges and agreements in the round"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each municipality's current published citizen pledge and current agreement is chosen to begin with; "
            "their officers are asked."
        ),
        error_messages={"required": _("Choose at least one pledge or agreement for the round.")},
    )

    class Meta:
        model = MunicipalRound
        fields = ["title", "period_start", "period_end", "deadline", "remind_days_before", "message"]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "deadline": DATE,
            "message": forms.Textarea(attrs={"rows": 3}),
            "remind_days_before": forms.NumberInput(attrs={"min": 1, "max": 60}),
        }

    def __init__(self, *args, candidates: list, **kwargs):
        """``candidates``: the pledges and agreements a round may ask about (``queries.round_candidates``)."""
        super().__init__(*args, **kwargs)
        self.candidates = {item_key(item): item for item in candidates}
        self.fields["items"].choices = [
            (key, f"{item.municipality.name}: {item._meta.verbose_name} “{item.title}”")
            for key, item in self.candidates.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("items", list(self.candidates))

    def clean(self):
        cleaned = super().clean()
        for name, message in round_date_errors(
            cleaned.get("period_start"), cleaned.get("period_end"), cleaned.get("deadline")
        ).items():
            self.add_error(name, message)
        return cleaned

    def chosen(self) -> list:
        """The pledges and agreements ticked, in the order they were offered."""
        return [self.candidates[key] for key in self.candidates if key in set(self.cleaned_data["items"])]


class MunicipalDeadlineForm(DeadlineForm):
    """A later deadline for a municipal round (the plan rounds' form, on this model)."""

    class Meta(DeadlineForm.Meta):
        model = MunicipalRound

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= MunicipalRound.objects.values_list("deadline", flat=True).get(pk=self.instance.pk):
            raise forms.ValidationError(_("The new deadline must be later than the current one."))
        return deadline


class RoundFollowUpForm(FollowUpForm):
    """The follow-up an officer fills in for a round, begun from the draft or returned answer if there is one."""

    def __init__(self, *args, items, follow_up: FollowUp | None = None, **kwargs):
        super().__init__(*args, items=items, **kwargs)
        # A follow-up asked for in a round is published by the coordinator's approval.
        del self.fields["publish"]
        if follow_up is not None and not self.is_bound:
            self.initial.update(
                {"date": follow_up.date, "assessment": follow_up.assessment, "summary": follow_up.summary}
            )
            for item in follow_up.items.all():
                key = item.commitment_id or item.deliverable_id
                self.initial[f"status_{key}"] = item.status
                self.initial[f"comment_{key}"] = item.comment


class FollowUpReviewForm(ReviewForm):
    """The coordinator's decision on a submitted follow-up: the progress updates' review, worded for follow-ups."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("approve", _("Approve the follow-up")),
            ("return", _("Return it for revision")),
        ]
