import os
import shutil
import tempfile

import pytest

from roadmap.content import read_content
from roadmap.models import Roadmap, Topic
from roadmap.services import load_content
from tests.factories import PASSWORD, UserFactory
from tests.roadmap.conftest import ContentFiles, roadmap, topic

# Playwright's sync API runs an event loop in the test thread; the ORM calls our
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config):
    """The SQLite session cache (a directory, mlepath/settings.py) in a directory
    of this run's own: the tests clear every cache, which must not sign a
    developer out of `make run`, nor another run out of its tests."""
    from django.conf import settings

    if "sessions" in settings.CACHES:
        config._session_cache_dir = tempfile.mkdtemp(prefix="mlepath-test-sessions-")
        settings.CACHES["sessions"]["LOCATION"] = config._session_cache_dir


def pytest_unconfigure(config):
    if directory := getattr(config, "_session_cache_dir", None):
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.5 s per user; tests are about behaviour, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    # The cache outlives a test's database transaction; start each test empty.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def run_tasks(db):
    """Run the tasks that are due now (mail), in this test's transaction, with
    django-tasks-db's own worker: its `run_task` records success or failure as
    `db_worker` does. (The `db_worker` command itself closes connections
    between tasks, which would end a test's transaction: tests/test_worker.py
    runs the real command, as a process.) Returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )

    def run() -> int:
        ran = 0
        while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return run


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", display_name="Alice Liddell")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie")


@pytest.fixture
def dave(db):
    return UserFactory(username="dave")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def needs_graphviz():
    """The map is laid out by Graphviz (roadmap.svgmap). Locally a test of it
    skips without Graphviz; in CI (REQUIRE_BROWSER=1 or CI) it fails instead."""
    if shutil.which("dot") and shutil.which("neato"):
        return
    message = "Graphviz is not installed (apt-get install graphviz)"
    if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
        pytest.fail(f"{message}, and REQUIRE_BROWSER=1 or CI is set: a failure, not a skip.")
    pytest.skip(message)


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. Locally they skip without it; in CI
    (REQUIRE_BROWSER=1) a missing browser is a failure, never a silent skip."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: install Debian's chromium package.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def track(db, tmp_path):
    """A small roadmap: basics (a, b needs a, c needs b) and advanced (d needs c, e)."""
    topics, item = track_content()
    load_content(content=read_content(ContentFiles(tmp_path / "content").write(topics, [item])))
    return Roadmap.objects.get(slug="track")


def track_content():
    """The `track` fixture's topics and roadmap file, to load again with more (projects)."""
    topics = [
        topic("a", title="Alpha", hours=2),
        topic("b", title="Beta", hours=3, prerequisites=["a"]),
        topic("c", title="Gamma", hours=5, prerequisites=["b"]),
        topic("d", title="Delta", hours=7, prerequisites=["c"]),
        topic("e", title="Epsilon", hours=11),
    ]
    return topics, roadmap("track", [("basics", ["a", "b", "c"]), ("advanced", ["d", "e"])], title="Track")


@pytest.fixture
def mentoring(alice, bob, charlie, dave, topics, track):
    """alice learns; bob is her active mentor; dave mentored her once; charlie is a stranger."""
    from mentoring import services
    from mentoring.models import Invite
    from progress import services as progress_services

    progress_services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    progress_services.save_note(learner=alice, topic=topics["a"], note="alice-private-note")
    progress_services.add_evidence(learner=alice, topic=topics["a"], url="https://example.com/alice-evidence")
    bob_invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    services.accept_invite(invite=bob_invite, user=alice)
    dave_invite = services.create_invite(created_by=dave, kind=Invite.Kind.FROM_MENTOR)
    ended = services.accept_invite(invite=dave_invite, user=alice)
    services.end_mentorship(mentorship=ended, by=alice)
    return {"bob_invite": bob_invite, "dave_invite": dave_invite, "ended": ended}


@pytest.fixture
def topics(track):
    return {t.slug: t for t in Topic.objects.all()}


def pytest_terminal_summary(terminalreporter):
    properties = __import__("sys").modules.get("tests.test_properties")
    if properties and properties.CASES:
        cases = properties.CASES
        terminalreporter.write_line(
            f"property-based cases: {sum(cases.values())} posts to {len(cases)} endpoints "
            f"(at least {min(cases.values())} each)"
        )
