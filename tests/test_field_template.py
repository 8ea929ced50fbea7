"""templates/includes/field.html writes the topic page's fields by hand (#24):
what it writes is what Django's forms renderer writes, for every state a field
shows (empty, initial, bound, with errors, hostile values)."""

import re

import pytest
from django.template.loader import render_to_string

from mentoring.forms import CommentForm
from progress.forms import EvidenceForm, NoteForm


def spaced(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize(
    "form",
    [
        EvidenceForm(),
        EvidenceForm({"url": "javascript:alert(1)", "title": 't"><script>'}),
        EvidenceForm({"url": "https://example.org/a", "title": "x" * 200}),
        NoteForm(),
        NoteForm(initial={"note": "<b>mine</b>"}),
        NoteForm({"note": "a\x00 & b"}),
        CommentForm(),
        CommentForm({"body": ""}),
        CommentForm({"body": "y" * 3000}),
    ],
    ids=lambda form: f"{type(form).__name__}-{'bound' if form.is_bound else 'unbound'}",
)
def test_a_field_by_hand_is_the_field_django_renders(form):
    by_hand = "".join(render_to_string("includes/field.html", {"field": form[name]}) for name in form.fields)
    assert spaced(by_hand) == spaced(str(form))


def test_a_link_refused_says_so_once():
    form = EvidenceForm({"url": "ftp://example.org/file"})
    assert form.errors["url"] == ["Enter a valid URL."]
