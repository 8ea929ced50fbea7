from django.urls import path

from mlepath import converters  # noqa: F401 (registers <username:>)
from progress import portfolio, views

urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<slug:slug>/map/", views.roadmap_map, name="roadmap_map"),
    path("roadmaps/<slug:slug>/view/", views.default_view, name="roadmap_default_view"),
    path("roadmaps/<slug:slug>/history/", views.roadmap_history, name="roadmap_history"),
    path("roadmaps/<slug:slug>/follow/", views.follow, name="roadmap_follow"),
    path("roadmaps/<slug:slug>/pace/", views.pace, name="roadmap_pace"),
    path("roadmaps/<slug:slug>/reset/", views.reset, name="roadmap_reset"),
    path("roadmaps/<slug:slug>/reset/undo/", views.reset_undo, name="roadmap_reset_undo"),
    path("roadmaps/<slug:slug>/topics/<slug:topic_slug>/status/", views.set_status, name="roadmap_set_status"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("topics/<slug:slug>/status/", views.topic_status, name="topic_status"),
    path("topics/<slug:slug>/note/", views.topic_note, name="topic_note"),
    path("topics/<slug:slug>/evidence/", views.topic_evidence, name="topic_evidence"),
    path(
        "topics/<slug:slug>/evidence/<int:evidence_id>/delete/",
        views.topic_evidence_delete,
        name="topic_evidence_delete",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.export_csv, name="export_csv"),
    path("dashboard/export.json", views.export_json, name="export_json"),
    path("dashboard/import/", views.import_json, name="import_json"),
    path("calendar/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("portfolio/", portfolio.portfolio_edit, name="portfolio_edit"),
    path("u/<username:username>/", portfolio.portfolio_page, name="portfolio"),
]
