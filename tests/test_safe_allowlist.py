"""Nothing is marked safe from HTML escaping except where reviewed.

Each entry says why its HTML cannot hold unescaped user text. A new |safe,
mark_safe or {% autoescape off %} fails this test until it is reviewed and
listed here with its reason (SECURITY.md, "Output encoding")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = re.compile(r"\|\s*safe\b|\bmark_safe\(|\bSafeString\(|\{%\s*autoescape\s+off|\bsafeseq\b")
ALLOWED = {
    # Help texts are written by us in forms and models, never by users.
    "templates/django/forms/field.html": 1,
    # Plain-text emails (text/plain): HTML escaping would garble names.
    "templates/registration/password_reset_email.html": 1,
    "templates/mentoring/nudge_email.txt": 1,
    "templates/accounts/email_changed_notice.txt": 1,
    "templates/accounts/email_verification.txt": 1,
    "templates/accounts/email_restored_notice.txt": 1,
    "templates/mentoring/new_mentor_email.txt": 1,
    "templates/mentoring/digest_learner_email.txt": 1,
    "templates/mentoring/digest_mentor_email.txt": 1,
    "templates/mentoring/review_email.txt": 1,
}
SOURCES = ("accounts", "mentoring", "mlepath", "progress", "roadmap", "templates")


def test_only_reviewed_places_mark_html_safe():
    found = {}
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            count = len(MARKERS.findall(path.read_text()))
            if count:
                found[str(path.relative_to(ROOT))] = count
    assert found == ALLOWED


def test_the_check_itself_catches_each_form():
    for text in ("{{ x|safe }}", "{{ x | safe }}", "mark_safe(x)", "SafeString(x)", "{% autoescape off %}"):
        assert MARKERS.search(text), text
    assert not MARKERS.search("{{ x|safe_join }}") and not MARKERS.search("unsafe = 1")
