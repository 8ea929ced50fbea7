"""The learner's forms for project work and for their portfolio."""

from django import forms

from mlepath.text import validate_line, validate_text
from progress.forms import WebURLField
from progress.models import PROJECT_NOTE_MAX_LENGTH, Portfolio


def _link_field(label: str, help_text: str) -> forms.URLField:
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
        label="Acceptance criteria met", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    repository_url = _link_field("Repository", "Where the code is: GitHub, GitLab, Codeberg…")
    writeup_url = _link_field("Write-up", "A blog post, README or report explaining what you did and found.")
    demo_url = _link_field("Demo", "A running app, notebook or video.")
    note = forms.CharField(
        label="Note for your reviewer",
        max_length=PROJECT_NOTE_MAX_LENGTH,
        required=False,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"What to look at first, what you would do next. Plain text, up to {PROJECT_NOTE_MAX_LENGTH:,} characters."
        ),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(criterion.pk, criterion.text) for criterion in criteria]


class PortfolioForm(forms.ModelForm):
    """What the learner's public page shows; which approved projects are picked apart (shown)."""

    shown = forms.TypedMultipleChoiceField(
        label="Approved projects to show", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Portfolio
        fields = ["public", "show_completion", "bio", "link_1", "link_2", "link_3", "noindex"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "public": "Off by default. Turned off, the page answers 404 for everyone at once.",
            "bio": "Plain text, up to 600 characters: who you are and what you are looking for.",
            "noindex": "Tells search engines not to list the page; anyone with the link can still open it.",
        }

    def __init__(self, *args, approved=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].choices = [(work.pk, work.project.title) for work in approved]
        for name in ("link_1", "link_2", "link_3"):
            self.fields[name].validators.append(validate_line)
            self.fields[name].assume_scheme = "https"
        self.fields["bio"].validators.append(validate_text)
