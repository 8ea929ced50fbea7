import pytest

from mentoring import services
from mentoring.models import Invite


@pytest.fixture
def mentoring(alice, bob, charlie, dave, topics, track):
    """alice learns; bob is her active mentor; dave mentored her once; charlie is a stranger."""
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
