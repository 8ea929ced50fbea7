"""What text we accept from users, in one place for every form and import.

Python strings can hold what no database and no mail header can: lone
surrogates (from JSON's "\\ud800", or a body decoded with an odd charset) fail
to encode as UTF-8 when PostgreSQL or SQLite is asked to store them, and a line
break in a name becomes a header injection in the mail that names it. Both are
refused at the boundary with a message naming the field, never stored.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def has_lone_surrogate(value: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in value)


def has_control_character(value: str, *, allow_newlines: bool = False) -> bool:
    """Unicode's "Cc" category (NUL, tabs, line breaks, ESC, DEL...), plus the
    line and paragraph separators; newlines and tabs only where text has lines."""
    for char in value:
        if allow_newlines and char in "\n\r\t":
            continue
        if unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            return True
    return False


def validate_text(value: str) -> None:
    """Free text with lines: notes, comments, bios."""
    if has_lone_surrogate(value):
        raise ValidationError(_("This text holds characters that are not valid Unicode."), code="invalid_text")
    if has_control_character(value, allow_newlines=True):
        raise ValidationError(_("This text holds control characters. Please remove them."), code="invalid_text")


def validate_line(value: str) -> None:
    """One line: names, titles, usernames, addresses."""
    if has_lone_surrogate(value):
        raise ValidationError(_("This holds characters that are not valid Unicode."), code="invalid_text")
    if has_control_character(value):
        raise ValidationError(
            _("This must be one line without control characters (no line breaks or tabs)."), code="invalid_text"
        )
