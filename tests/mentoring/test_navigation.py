"""The navigation's plain-SQL read (mentoring.navigation, issue #24) counts
exactly what the ORM's definition counts, on both databases: a learner's unread
comments from others on live topics and projects, and whether they mentor anyone."""

from django.utils import timezone

from mentoring import services
from mentoring.models import Comment, Mentorship, ProjectComment
from mentoring.navigation import unread_and_mentoring
from roadmap.models import Project, Topic
from tests.mentoring.test_projects import pipeline, submitted  # noqa: F401 (fixtures)


def by_the_orm(user) -> tuple[int, bool]:
    unread = (
        Comment.objects.filter(learner=user, seen_at__isnull=True, topic__retired=False).exclude(author=user).count()
        + ProjectComment.objects.filter(work__learner=user, seen_at__isnull=True, work__project__retired=False)
        .exclude(author=user)
        .count()
    )
    return unread, Mentorship.objects.filter(mentor=user, status=Mentorship.Status.ACTIVE).exists()


def test_the_statement_counts_what_the_orm_counts(alice, bob, charlie, topics, submitted):  # noqa: F811
    def agree():
        for user in (alice, bob, charlie):
            assert unread_and_mentoring(user.pk) == by_the_orm(user), user.username
        return unread_and_mentoring(alice.pk)

    assert agree() == (0, False) and unread_and_mentoring(bob.pk)[1] is True
    services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Nice")
    services.add_comment(author=bob, learner=alice, topic=topics["b"], body="And this")
    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="Thanks")  # her own: not counted
    services.add_project_comment(author=bob, work=submitted, body="Looks good")
    assert agree() == (3, False)
    Comment.objects.filter(topic=topics["b"]).update(seen_at=timezone.now())  # seen
    assert agree() == (2, False)
    Topic.objects.filter(pk=topics["a"].pk).update(retired=True)  # a retired topic's thread is not counted
    assert agree() == (1, False)
    Project.objects.update(retired=True)
    assert agree() == (0, False)
