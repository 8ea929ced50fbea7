from django.urls import path

from roadmap import views

urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<slug:slug>/map/", views.roadmap_map, name="roadmap_map"),
    path("roadmaps/<slug:slug>/follow/", views.follow, name="roadmap_follow"),
    path("roadmaps/<slug:slug>/reset/", views.reset, name="roadmap_reset"),
    path("roadmaps/<slug:slug>/reset/undo/", views.reset_undo, name="roadmap_reset_undo"),
    path("roadmaps/<slug:slug>/topics/<slug:topic_slug>/status/", views.set_status, name="roadmap_set_status"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("topics/<slug:slug>/note/", views.topic_note, name="topic_note"),
    path("topics/<slug:slug>/evidence/", views.topic_evidence, name="topic_evidence"),
    path("topics/<slug:slug>/comments/", views.topic_comment, name="topic_comment"),
    path(
        "topics/<slug:slug>/evidence/<int:evidence_id>/delete/",
        views.topic_evidence_delete,
        name="topic_evidence_delete",
    ),
]
