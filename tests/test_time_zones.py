"""Issue #25, item 2: every date a person reads is in their time zone. A learner
in Asia/Tokyo, and one in America/Los_Angeles, tick two topics half an hour
either side of midnight UTC: each reads both on their own day (Tokyo the day
after, Los Angeles the day before, the stored UTC days split between them), on
every page that shows the change, and a mentor reads them in the mentor's own."""

import csv
import datetime as dt
import io
import json
import zoneinfo

import pytest
from django.utils import timezone

from mentoring import services as mentoring
from mentoring.models import Invite
from progress import services
from progress.models import Progress, ProgressEvent
from tests.factories import UserFactory

ZONES = ["Asia/Tokyo", "America/Los_Angeles"]


def midnight_instants():
    """Half an hour before and after yesterday's midnight UTC: both in the past."""
    midnight = (timezone.now() - dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - dt.timedelta(minutes=30), midnight + dt.timedelta(minutes=30)


def tick_at(learner, topic, track, at):
    services.set_status(learner=learner, topic=topic, status="done", roadmap=track)
    Progress.objects.filter(learner=learner, topic=topic).update(started_at=at, completed_at=at)
    ProgressEvent.objects.filter(learner=learner, topic=topic).update(created_at=at)


@pytest.fixture
def learner(request, topics, track):
    zone = request.param
    user = UserFactory(username="kana", display_name="Kana", time_zone=zone)
    before, after = midnight_instants()
    tick_at(user, topics["a"], track, before)
    tick_at(user, topics["b"], track, after)
    return user


@pytest.mark.parametrize("learner", ZONES, indirect=True)
def test_the_learner_reads_both_changes_on_their_own_day(client, learner):
    zone = zoneinfo.ZoneInfo(learner.time_zone)
    before, after = midnight_instants()
    day = before.astimezone(zone).date()
    assert after.astimezone(zone).date() == day  # both on one local day...
    assert before.date() != after.date()  # ...which UTC splits in two
    other_day = (after if before.date() == day else before).date()
    client.force_login(learner)

    history = client.get("/roadmaps/track/history/").content.decode()
    assert history.count('class="history-day"') == 1
    assert f"{day:%A} {day.day} {day:%B %Y}</h2>" in history
    assert f"{other_day:%A} {other_day.day} {other_day:%B %Y}" not in history

    shown = f"{day.day} {day:%b %Y}"
    topic = client.get("/topics/a/").content.decode()
    assert f"Started {shown}" in topic and f"Completed {shown}" in topic

    dashboard = client.get("/dashboard/").content.decode()
    recent = dashboard[dashboard.index("Recently completed") :].split("</ul>")[0]
    assert recent.count(f">{shown}</time>") == 2
    assert f"<title>{day:%a %d %b %Y}: 2 topics started or completed</title>" in dashboard  # the calendar's square

    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/export.csv").content.decode("utf-8-sig"))))
    completed = {row["topic"]: dt.datetime.fromisoformat(row["completed_at"]) for row in rows}
    assert completed["a"] == before and completed["a"].date() == day  # the same moment, in the learner's zone
    data = json.loads(client.get("/dashboard/export.json").content)
    assert {dt.datetime.fromisoformat(p["completed_at"]).date() for p in data["progress"]} == {day}


@pytest.mark.parametrize("learner", ["Asia/Tokyo"], indirect=True)
def test_a_mentor_reads_a_mentees_dates_in_the_mentors_own_zone(client, learner, bob):
    bob.time_zone = "America/Los_Angeles"
    bob.save(update_fields=["time_zone"])
    mentoring.accept_invite(invite=mentoring.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR), user=learner)
    before, _ = midnight_instants()
    mentor_day = before.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles")).date()
    client.force_login(bob)
    page = client.get("/mentoring/mentees/kana/").content.decode()
    assert page.count(f">{mentor_day.day} {mentor_day:%b %Y}</time>") == 2
