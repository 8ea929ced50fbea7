"""A rule with one home (issue #26, item 3): where two places show the same
figure, they read it from the one function that says it, and agree."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.template.loader import render_to_string

from mentoring import views as mentoring_views
from mentoring.cohort import RoadmapFigure
from mlepath.converters import UsernameConverter
from progress.selectors import Completion


@pytest.mark.parametrize(("done", "skipped", "total"), [(0, 0, 0), (1, 0, 3), (2, 1, 3), (0, 3, 3), (64, 1, 65)])
def test_the_dashboard_and_the_cohort_say_the_same_percent(done, skipped, total):
    dashboard = Completion(total=total, done=done, skipped=skipped).percent
    cohort = RoadmapFigure(roadmap=None, done=done, skipped=skipped, total=total).percent
    assert dashboard == cohort


@pytest.mark.parametrize("name", ["kana", "a.b@c+d-e_f", "日本語", "x" * 150, "x" * 151, "a/b", "a b", "a\x00", ""])
def test_a_username_is_one_pattern_for_sign_up_urls_and_the_mentee_form(name):
    signs_up = (
        bool(re.fullmatch(UnicodeUsernameValidator.regex.removeprefix("^").removesuffix(r"\Z"), name))
        and len(name) <= 150
    )
    in_urls = bool(re.fullmatch(UsernameConverter.regex, name))
    in_form = bool(mentoring_views.USERNAME.fullmatch(name))
    assert signs_up == in_urls == in_form


VERDICTS = ("finished", "target_passed", "too_early", "no_recent", "on_track", "behind")


def test_the_cohort_card_words_every_verdict_the_pace_gives_in_the_pace_template():
    said = {}
    for verdict in VERDICTS:
        forecast = SimpleNamespace(hours_per_week=10, target_date=dt.date(2028, 8, 14), verdict=verdict, weeks_behind=3)
        said[verdict] = render_to_string("progress/includes/pace.html#verdict-short", {"forecast": forecast})
    assert all(text.startswith("10 h a week to 14 Aug 2028: ") for text in said.values())
    assert len(set(said.values())) == len(VERDICTS)  # each verdict its own words
    assert [verdict for verdict, text in said.items() if "behind" in text] == ["behind"]
