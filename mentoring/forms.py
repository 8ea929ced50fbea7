from django import forms

from mentoring.models import COMMENT_MAX_LENGTH, Invite

EXPIRY_CHOICES = [("", "Never"), ("1", "In 1 day"), ("7", "In 7 days"), ("30", "In 30 days")]


class InviteForm(forms.Form):
    kind = forms.ChoiceField(choices=Invite.Kind.choices, widget=forms.HiddenInput)
    expires_in = forms.TypedChoiceField(
        label="Link expires", choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH} characters.",
    )
