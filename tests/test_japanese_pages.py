"""Every page in Japanese shows no English sentence (#27, item 5): each GET
route, as a visitor, as a learner and as her mentor, at its /ja/ address. What
may stay English is named: text marked lang="en" (a resource's title), user
content of the fixtures, product names."""

import re
from html.parser import HTMLParser

import pytest

from roadmap.models import Roadmap, Section, Topic
from tests.test_csp_every_route import concrete, mentored, routes  # noqa: F401 - mentored is a fixture

# Three Latin words in a row: a sentence or a label left untranslated (names are one or two).
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z']+(?:[ \u00a0]+[A-Za-z][a-z']+){2,}\b")
ALLOWED = (
    "MLE Path",
    "Alice Liddell",
    "Google Calendar",
    "Apple Calendar",
)
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "textarea"}


class _Text(HTMLParser):
    """The text a reader sees, leaving out elements in another language (lang="en")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}:
            return
        attributes = dict(attrs)
        skip = (
            tag in SKIPPED_ELEMENTS
            or (attributes.get("lang") or "").startswith("en")
            or attributes.get("translate") == "no"
        )
        self.stack.append((tag, skip))
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attributes.get(name) and not self._skipping():
                self.parts.append(attributes[name])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)


def english_runs(html: str, content: tuple[str, ...] = ()) -> list[str]:
    """Runs of English words in what a reader sees, apart from `content` (the
    content's own text where it has no translation, as the tests' small roadmap)."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for allowed in sorted((*ALLOWED, *content), key=len, reverse=True):
        text = text.replace(allowed, " ")
    return sorted({match.group(0) for match in ENGLISH_RUN.finditer(text)})


def test_the_check_sees_english_and_leaves_marked_english_alone():
    assert english_runs("<p>Save your changes now</p>") == ["Save your changes now"]
    assert english_runs('<p>保存しました。<a lang="en">Deep Learning with Python</a></p>') == []
    assert english_runs('<button aria-label="Close this panel">×</button>') == ["Close this panel"]


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob"])
def test_every_page_in_japanese_has_no_english_sentence(client, alice, bob, mentored, who):  # noqa: F811
    for user in (alice, bob):
        user.language = "ja"
        user.save(update_fields=["language"])
    if who != "anonymous":
        client.force_login({"alice": alice, "bob": bob}[who])
    content = tuple(
        " ".join(text.split())
        for model, fields in (
            (Roadmap, ("title", "audience", "summary")),
            (Section, ("title", "summary")),
            (Topic, ("title", "summary")),
        )
        for row in model.objects.values_list(*fields)
        for text in row
        if text
    )
    found = {}
    seen = 0
    for _name, route in routes():
        path = concrete(route, mentored.token)
        if path.startswith(("/healthz", "/ping", "/i18n/")) or path.endswith(".ics"):
            continue
        response = client.get("/ja" + path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        html = response.content.decode()
        assert '<html lang="ja">' in html, path
        if runs := english_runs(html, content):
            found[path] = runs
    assert seen >= {"anonymous": 8, "alice": 20, "bob": 20}[who]
    assert found == {}, found
