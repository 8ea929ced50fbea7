"""One normalisation of the names a person types, used by everything that counts
or finds an account: sign-in's lookup, the unique constraints, and every
throttle. A spelling that finds an account is counted as that account; a
spelling that cannot find one cannot sign in.

Case is folded in Python (Unicode's NFKC_Casefold, as `str.casefold` after
NFKC), not by the database: SQLite's LOWER and LIKE fold only ASCII, and
PostgreSQL's UPPER maps a dotless "ı" to "I", so each would draw a different
line between two names. The folded value is stored (User.username_folded,
User.email_folded) and is unique there, identically on both databases.
"""

import unicodedata

from django import forms
from django.utils.translation import ngettext

USERNAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
# The longest typed value that is normalised at all: NFKC composes at most a few
# characters into one, so nothing longer can clean to a valid name, and a
# megabyte of padding is refused before any work.
TYPED_MAX_LENGTH = 4 * USERNAME_MAX_LENGTH


def fold(value: str) -> str:
    """Compatibility- and case-folded: "Bob", "ｂｏｂ" and "BOB" are "bob", "Straße" is "strasse"."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


class SignInUsernameField(forms.CharField):
    """The sign-in form's username: stripped and NFKC'd as Django's UsernameField
    does, and refused when too long before it is normalised or looked up."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", USERNAME_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value) > TYPED_MAX_LENGTH:
            raise forms.ValidationError(
                ngettext(
                    "Ensure this value has at most %(limit)d character.",
                    "Ensure this value has at most %(limit)d characters.",
                    USERNAME_MAX_LENGTH,
                )
                % {"limit": USERNAME_MAX_LENGTH},
                code="max_length",
            )
        return unicodedata.normalize("NFKC", super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocapitalize": "none", "autocomplete": "username"}


def username_key(typed: str) -> str | None:
    """The account a typed username names, exactly as sign-in looks it up (the
    form's own field cleans it, then it is folded), or None when the form would
    refuse it: such a value never reaches authentication."""
    try:
        cleaned = SignInUsernameField().clean(typed)
    except forms.ValidationError:
        return None
    return fold(cleaned)


def email_key(typed: str) -> str | None:
    """The mailbox a typed address names, as the reset form finds it, or None when
    the form would refuse it."""
    try:
        cleaned = forms.EmailField(max_length=EMAIL_MAX_LENGTH).clean(typed)
    except forms.ValidationError:
        return None
    return fold(cleaned)
