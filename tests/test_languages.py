"""English and Japanese (#27): which language a page answers in, the stable
addresses per language, the content in Japanese and its check, the catalogue
and its checks, dates in each language's format."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import translation

from mlepath import catalogues
from roadmap.content import DEFAULT_DIRECTORY, ContentError, read_content
from roadmap.models import Project, Roadmap, Topic
from roadmap.services import load_content

ROOT = Path(__file__).resolve().parent.parent


# --- Which language a page answers in -------------------------------------------


def test_a_visitor_reads_their_browsers_language_and_english_by_default(db):
    client = Client(headers={"accept-language": "ja-JP,ja;q=0.9,en;q=0.5"})
    sent = client.get("/roadmaps/?view=compact")
    assert sent.status_code == 302 and sent.url == "/ja/roadmaps/?view=compact"
    assert "Accept-Language" in sent["Vary"]
    japanese = client.get("/ja/")
    assert japanese.status_code == 200 and '<html lang="ja">' in japanese.content.decode()
    assert japanese["Content-Language"] == "ja"
    assert client.get("/healthz").status_code == 200  # machines' addresses have no language
    english = Client().get("/")
    assert '<html lang="en">' in english.content.decode() and english["Content-Language"] == "en"
    assert '<html lang="en">' in Client(headers={"accept-language": "fr-FR"}).get("/").content.decode()


def test_a_prefixed_address_is_that_language_for_everyone_with_alternates(db, track):
    page = Client(headers={"accept-language": "en"}).get("/ja/roadmaps/").content.decode()
    assert '<html lang="ja">' in page
    assert '<link rel="alternate" hreflang="en" href="http://testserver/roadmaps/">' in page
    assert '<link rel="alternate" hreflang="ja" href="http://testserver/ja/roadmaps/">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/roadmaps/">' in page
    assert 'href="/ja/roadmaps/track/"' in page  # its links stay in Japanese
    assert Client().get("/ja/no-such-page/").status_code == 404


def test_the_footer_choice_sets_the_language_and_keeps_it_on_the_account(alice, alice_client):
    response = alice_client.post("/i18n/language/", {"language": "ja", "next": "/roadmaps/"})
    assert response.status_code == 302 and response.url == "/ja/roadmaps/"
    alice.refresh_from_db()
    assert alice.language == "ja"
    sent = alice_client.get("/dashboard/")  # an address without prefix: the account's language
    assert sent.status_code == 302 and sent.url == "/ja/dashboard/"
    assert '<html lang="ja">' in alice_client.get(sent.url).content.decode()
    # A form posted from an English page still works, in English.
    assert alice_client.post("/dashboard/import/", {}).status_code in (200, 400)
    alice_client.post("/i18n/language/", {"language": "en", "next": "/ja/dashboard/"})
    alice.refresh_from_db()
    assert alice.language == "en" and '<html lang="en">' in alice_client.get("/dashboard/").content.decode()


def test_a_visitors_footer_choice_is_a_cookie_and_bad_input_changes_nothing(db):
    client = Client()
    response = client.post("/i18n/language/", {"language": "ja", "next": "/"})
    assert response.status_code == 302 and response.url == "/ja/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    assert client.get("/roadmaps/").url == "/ja/roadmaps/"
    for data in ({"language": "xx", "next": "/"}, {"language": "", "next": "https://evil.example/"}, {}):
        answer = Client().post("/i18n/language/", data)
        assert answer.status_code in (302, 204) and settings.LANGUAGE_COOKIE_NAME not in answer.cookies
        assert "evil.example" not in answer.get("Location", "")
    assert Client().get("/i18n/language/").status_code == 405


# --- Content in Japanese ----------------------------------------------------------


def test_the_shipped_content_has_every_text_in_japanese():
    content = read_content()
    assert content.topics and content.projects and content.roadmaps
    for topic in content.topics:
        assert topic.translations["ja"]["title"] and topic.translations["ja"]["summary"], topic.slug
    for project in content.projects:
        texts = project.translations["ja"]
        assert texts["title"] and texts["brief"] and len(texts["criteria"]) == len(project.criteria), project.slug
    for roadmap in content.roadmaps:
        assert all(roadmap.translations["ja"].values()), roadmap.slug
        for section in roadmap.sections:
            assert section.translations["ja"]["title"], (roadmap.slug, section.slug)
    market = next(t for t in content.topics if t.slug == "ml-job-market").translations["ja"]["summary"]
    assert "6,000,000円" in market and "Glassdoor" in market and "2026年12月" in market and "\n\n" in market


@pytest.fixture
def content_copy(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    return directory


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("topics.yaml", lambda d: d["topics"].pop("python"), "ja/topics.yaml: python: missing: no ja translation"),
        ("topics.yaml", lambda d: d["topics"]["pandas"].update(summary="  "), "ja/topics.yaml: pandas: 'summary'"),
        ("topics.yaml", lambda d: d["topics"].update(ghost={"title": "幽霊"}), "ja/topics.yaml: ghost: translates no"),
        (
            "projects.yaml",
            lambda d: d["projects"]["credit-risk-api"]["criteria"].pop(),
            "ja/projects.yaml: credit-risk-api: needs",
        ),
        (
            "roadmaps/ml-engineer-from-scratch.yaml",
            lambda d: d["sections"].pop("core-ml"),
            "ja/roadmaps/ml-engineer-from-scratch.yaml: core-ml: missing",
        ),
    ],
)
def test_a_missing_or_empty_translation_fails_the_content_check_naming_file_and_slug(
    content_copy, file, change, message
):
    _edit(content_copy / "ja" / file, change)
    with pytest.raises(ContentError) as raised:
        read_content(content_copy)
    assert any(error.startswith(message) for error in raised.value.errors), raised.value.errors


def test_a_missing_language_folder_fails_once_content_is_translated(content_copy):
    (content_copy / "ja" / "projects.yaml").unlink()
    with pytest.raises(ContentError, match="ja/projects.yaml: \\(no slug\\): file not found"):
        read_content(content_copy)


def test_pages_show_the_content_in_the_readers_language_and_the_english_is_kept(db):
    load_content(content=read_content())
    english = Client().get("/roadmaps/ml-engineer-from-scratch/").content.decode()
    japanese = Client().get("/ja/roadmaps/ml-engineer-from-scratch/").content.decode()
    assert "ML Engineer from scratch" in english and "ゼロから目指すMLエンジニア" not in english
    assert "ゼロから目指すMLエンジニア" in japanese and "教師あり学習" in japanese
    topic = Client().get("/ja/topics/supervised-learning/").content.decode()
    assert "教師あり学習" in topic and 'lang="en"' in topic  # the resources stay English, marked so
    project = Client().get("/ja/projects/credit-risk-api/").content.decode()
    criterion = Project.objects.get(slug="credit-risk-api").criteria.get(order=0)
    assert criterion.translations["ja"]["text"] in project
    with translation.override("ja"):
        shown = Topic.objects.get(slug="supervised-learning")
        assert shown.title == "教師あり学習"
        with pytest.raises(ValueError, match="another language"):
            shown.save()  # Japanese is never written over the English
    assert Topic.objects.get(slug="supervised-learning").title == "Supervised learning"
    with translation.override("ja"):  # the loader works in English whoever's language is active
        assert not load_content(content=read_content()).changed
    assert Roadmap.objects.get(slug="ml-engineer-from-scratch").title == "ML Engineer from scratch"


# --- The catalogue ------------------------------------------------------------------


def test_every_marked_string_has_its_japanese_and_none_is_fuzzy():
    assert catalogues.untranslated(catalogues.catalogue("ja")) == []


def test_the_check_finds_a_translation_removed(tmp_path):
    po = polib.pofile(str(catalogues.catalogue("ja")))
    entry = next(e for e in po if not e.msgid_plural and e.msgstr)
    entry.msgstr = ""
    fuzzy = next(e for e in po if e is not entry and not e.msgid_plural and e.msgstr)
    fuzzy.flags.append("fuzzy")
    po.save(str(tmp_path / "django.po"))
    found = catalogues.untranslated(tmp_path / "django.po")
    assert f"untranslated: {entry.msgid!r}" in " ".join(found) and f"fuzzy: {fuzzy.msgid!r}" in " ".join(found)


def test_the_compiled_catalogue_says_what_the_po_says(tmp_path):
    assert catalogues.stale_compilation(catalogues.catalogue("ja")) == []
    po = polib.pofile(str(catalogues.catalogue("ja")))
    po.save_as_mofile(str(tmp_path / "django.mo"))
    next(e for e in po if not e.msgid_plural and e.msgstr).msgstr = "変えた"
    po.save(str(tmp_path / "django.po"))
    assert len(catalogues.stale_compilation(tmp_path / "django.po")) == 1


@pytest.mark.skipif(shutil.which("xgettext") is None and not __import__("os").environ.get("CI"), reason="no gettext")
def test_the_catalogue_holds_every_string_the_code_marks(tmp_path):
    """makemessages on a copy of the code: no string marked in the code or the
    templates is missing from the committed catalogue, none is left over."""
    copy = tmp_path / "code"
    copy.mkdir()
    for name in (
        "manage.py",
        "mlepath",
        "accounts",
        "roadmap",
        "progress",
        "mentoring",
        "templates",
        "static",
        "locale",
    ):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-obsolete", "--add-location", "file"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr

    def ids(path):
        return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}

    fresh, committed = ids(copy / "locale/ja/LC_MESSAGES/django.po"), ids(catalogues.catalogue("ja"))
    assert fresh - committed == set(), "marked but not in the catalogue: run make messages"
    assert committed - fresh == set(), "in the catalogue but no longer marked: run make messages"


# --- Formats ----------------------------------------------------------------------------


def test_dates_are_written_in_each_languages_format(alice, alice_client, track):
    import datetime as dt

    from django.utils import formats

    day = dt.date(2026, 12, 5)
    with translation.override("ja"):
        assert formats.date_format(day, "DATE_FORMAT") == "2026年12月5日"
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == "5 Dec 2026"


def test_the_csv_export_starts_with_a_byte_order_mark_for_excel(alice_client, track):
    body = alice_client.get("/dashboard/export.csv").content
    assert body.startswith("\ufeff".encode())
