from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.models import COMMENT_MAX_LENGTH, Invite
from mlepath.text import validate_text

EXPIRY_CHOICES = [("", _("Never")), ("1", _("In 1 day")), ("7", _("In 7 days")), ("30", _("In 30 days"))]


USES_CHOICES = [("one", _("One person")), ("many", _("Anyone with the link"))]


class InviteForm(forms.Form):
    kind = forms.ChoiceField(choices=Invite.Kind.choices, widget=forms.HiddenInput)
    expires_in = forms.TypedChoiceField(
        label=_("Link expires"), choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False
    )
    # A learner's link serves one mentor unless the learner says otherwise; a
    # mentor's link serves a whole cohort unless the mentor says otherwise.
    uses = forms.ChoiceField(label=_("Who can use it"), choices=USES_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.initial.get("kind") or self.data.get(self.add_prefix("kind"))
        self.fields["uses"].initial = "many" if kind == Invite.Kind.FROM_MENTOR else "one"

    def clean_uses(self):
        uses = self.cleaned_data["uses"]
        if not uses:
            return "many" if self.cleaned_data.get("kind") == Invite.Kind.FROM_MENTOR else "one"
        return uses


class SharingForm(forms.Form):
    """What one mentor sees besides statuses: the wanted state of each choice,
    as checkboxes send it (an unchecked box is not sent: private)."""

    share_dates = forms.BooleanField(required=False)
    share_evidence = forms.BooleanField(required=False)
    share_notes = forms.BooleanField(required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(_("Plain text, up to {max_length} characters."), max_length=COMMENT_MAX_LENGTH),
    )


class SuggestionForm(forms.Form):
    target_date = forms.DateField(label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"}))


class ProjectReviewForm(forms.Form):
    # When the reviewed submission was made: a review of a page opened before the
    # learner withdrew and resubmitted is refused, not applied to unseen work.
    # (The page always sends it; without it, the review applies to the work as it is.)
    submitted = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve")), ("changes", _("Request changes"))],
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Comments"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Posted in the project's thread. Needed when you request changes: say what to change."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not (data.get("body") or "").strip():
            self.add_error("body", _("Say what to change: the learner needs to know."))
        return data
