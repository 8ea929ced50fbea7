from django.urls import path, register_converter

from mentoring import mentee_pages, projects, track_pages, views
from mentoring.converters import TokenConverter
from mlepath import converters  # noqa: F401 (registers <username:>)

register_converter(TokenConverter, "token")

urlpatterns = [
    path("", views.index, name="mentoring"),
    path("invites/", views.invite_create, name="mentoring_invite_create"),
    path("updates/seen/", views.updates_seen, name="mentoring_updates_seen"),
    path("digests/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path("invites/<int:pk>/revoke/", views.invite_revoke, name="mentoring_invite_revoke"),
    path("invite/<token:token>/", views.invite, name="mentoring_invite"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentoring_end"),
    path("mentorships/<int:pk>/sharing/", views.mentorship_sharing, name="mentoring_sharing"),
    # Notes alone, as pages before the sharing form posted it (share_notes=1 or 0).
    path("mentorships/<int:pk>/notes/", views.mentorship_notes, name="mentoring_notes"),
    path("mentees/<username:username>/", mentee_pages.mentee, name="mentoring_mentee"),
    path("mentees/<username:username>/nudge/", mentee_pages.mentee_nudge, name="mentoring_nudge"),
    path(
        "mentees/<username:username>/roadmaps/<slug:slug>/suggest/",
        mentee_pages.mentee_suggest,
        name="mentoring_suggest",
    ),
    path("suggestions/<int:pk>/", views.suggestion_answer, name="mentoring_suggestion_answer"),
    path(
        "mentees/<username:username>/roadmaps/<slug:slug>/",
        mentee_pages.mentee_roadmap,
        name="mentoring_mentee_roadmap",
    ),
    path("mentees/<username:username>/topics/<slug:slug>/", mentee_pages.mentee_topic, name="mentoring_mentee_topic"),
    path("mentees/<username:username>/topics/<slug:slug>/review/", mentee_pages.mentee_review, name="mentoring_review"),
    path(
        "mentees/<username:username>/topics/<slug:slug>/suggest-review/",
        mentee_pages.mentee_suggest_review,
        name="mentoring_suggest_review",
    ),
    path("tracks/", track_pages.track_list, name="mentoring_tracks"),
    path("tracks/<int:pk>/", track_pages.track_edit, name="mentoring_track"),
    path("tracks/<int:pk>/content/", track_pages.track_content, name="mentoring_track_content"),
    path("tracks/<int:pk>/topics/new/", track_pages.own_topic, name="mentoring_track_topic_new"),
    path("tracks/<int:pk>/topics/<int:topic_pk>/", track_pages.own_topic, name="mentoring_track_topic"),
    path("tracks/<int:pk>/projects/new/", track_pages.own_project, name="mentoring_track_project_new"),
    path("tracks/<int:pk>/projects/<int:project_pk>/", track_pages.own_project, name="mentoring_track_project"),
    path("tracks/<int:pk>/preview/", track_pages.track_preview, name="mentoring_track_preview"),
    path("tracks/<int:pk>/offers/", track_pages.track_offer, name="mentoring_track_offer"),
    path("tracks/<int:pk>/link/", track_pages.track_link, name="mentoring_track_link"),
    path("tracks/<int:pk>/delete/", track_pages.track_delete, name="mentoring_track_delete"),
    path("tracks/join/<token:token>/", track_pages.join, name="mentoring_track_join"),
    path("track-offers/<int:pk>/", track_pages.offer, name="mentoring_track_offered"),
    path("reviews/", projects.review_queue, name="mentoring_review_queue"),
    path("mentees/<username:username>/projects/<slug:slug>/", projects.mentee_project, name="mentoring_mentee_project"),
    path(
        "mentees/<username:username>/projects/<slug:slug>/review/",
        projects.mentee_project_review,
        name="mentoring_project_review",
    ),
]

# The learner's thread on their own topic page, under /topics/ (mlepath.urls).
topic_urlpatterns = [
    path("<slug:slug>/comments/", views.topic_comment, name="topic_comment"),
    path("<slug:slug>/comments/seen/", views.topic_comments_seen, name="topic_comments_seen"),
]

# The learner's thread on their own project page, under /projects/ (mlepath.urls).
project_urlpatterns = [
    path("<slug:slug>/comments/", projects.project_comment, name="project_comment"),
    path("<slug:slug>/comments/seen/", projects.project_comments_seen, name="project_comments_seen"),
]
