"""The learner's forms for project work and for their portfolio."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mlepath.text import validate_line, validate_text
from progress.forms import WebURLField
from progress.models import PROJECT_NOTE_MAX_LENGTH, Portfolio


def _link_field(label, help_text) -> forms.URLField:
    return WebURLField(
        label=label,
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_line],
        help_text=help_text,
    )


class ProjectWorkForm(forms.Form):
    """The learner's work on a project: the criteria met, the links and a note."""

    checked = forms.TypedMultipleChoiceField(
        label=_("Acceptance criteria met"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    repository_url = _link_field(_("Repository"), _("Where the code is: GitHub, GitLab, Codeberg…"))
    writeup_url = _link_field(_("Write-up"), _("A blog post, README or report explaining what you did and found."))
    demo_url = _link_field(_("Demo"), _("A running app, notebook or video."))
    note = forms.CharField(
        label=_("Note for your reviewer"),
        max_length=PROJECT_NOTE_MAX_LENGTH,
        required=False,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        # Read when the form shows it (in the active language), the number written as 2,000.
        help_text=format_lazy(
            _("What to look at first, what you would do next. Plain text, up to {count} characters."),
            count=f"{PROJECT_NOTE_MAX_LENGTH:,}",
        ),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(criterion.pk, criterion.text) for criterion in criteria]


class PortfolioForm(forms.ModelForm):
    """What the learner's public page shows; which approved projects are picked apart (shown)."""

    shown = forms.TypedMultipleChoiceField(
        label=_("Approved projects to show"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Portfolio
        fields = ["public", "show_completion", "bio", "link_1", "link_2", "link_3", "noindex"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "public": _("Off by default. Turned off, the page answers 404 for everyone at once."),
            "bio": _("Plain text, up to 600 characters: who you are and what you are looking for."),
            "noindex": _("Tells search engines not to list the page; anyone with the link can still open it."),
        }

    def __init__(self, *args, approved=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].choices = [(work.pk, work.project.title) for work in approved]
        for name in ("link_1", "link_2", "link_3"):
            self.fields[name].validators.append(validate_line)
            self.fields[name].assume_scheme = "https"
        self.fields["bio"].validators.append(validate_text)
