from django import forms
from django.core.validators import URLValidator

from mlepath.text import validate_line, validate_text
from progress.models import NOTE_MAX_LENGTH


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        strip=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Private: only you can see it. Saved automatically as you type.",
    )


class EvidenceForm(forms.Form):
    url = forms.URLField(
        label="Link",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"]), validate_line],
        help_text="A notebook, repository or write-up that shows your work.",
    )
    title = forms.CharField(label="Title", max_length=120, required=False, validators=[validate_line])


class ImportForm(forms.Form):
    file = forms.FileField(label="Progress file (JSON)", help_text="A file downloaded with “Export JSON”.")
