from django.urls import path

from mlepath import converters  # noqa: F401 (registers <username:>)
from progress import calendar_feed_pages, dashboard_page, roadmap_pages, study_pages, topic_page
from progress.projects import pages as project_pages
from progress.projects import portfolio

urlpatterns = [
    path("roadmaps/", roadmap_pages.roadmap_list, name="roadmap_list"),
    path("roadmaps/<slug:slug>/", roadmap_pages.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<slug:slug>/map/", roadmap_pages.roadmap_map, name="roadmap_map"),
    path("roadmaps/<slug:slug>/view/", roadmap_pages.default_view, name="roadmap_default_view"),
    path("roadmaps/<slug:slug>/history/", roadmap_pages.roadmap_history, name="roadmap_history"),
    path("roadmaps/<slug:slug>/follow/", roadmap_pages.follow, name="roadmap_follow"),
    path("roadmaps/<slug:slug>/pace/", dashboard_page.pace, name="roadmap_pace"),
    path("roadmaps/<slug:slug>/reset/", roadmap_pages.reset, name="roadmap_reset"),
    path("roadmaps/<slug:slug>/reset/undo/", roadmap_pages.reset_undo, name="roadmap_reset_undo"),
    path("roadmaps/<slug:slug>/topics/<slug:topic_slug>/status/", roadmap_pages.set_status, name="roadmap_set_status"),
    path("topics/<slug:slug>/", topic_page.topic_detail, name="topic_detail"),
    path("topics/<slug:slug>/status/", topic_page.topic_status, name="topic_status"),
    path("topics/<slug:slug>/note/", topic_page.topic_note, name="topic_note"),
    path("topics/<slug:slug>/evidence/", topic_page.topic_evidence, name="topic_evidence"),
    path("topics/<slug:slug>/review/", study_pages.topic_review, name="topic_review"),
    path("topics/<slug:slug>/time/", study_pages.topic_time, name="topic_time"),
    path("topics/<slug:slug>/time/<int:entry_id>/", study_pages.topic_time_entry, name="topic_time_entry"),
    path(
        "topics/<slug:slug>/evidence/<int:evidence_id>/delete/",
        topic_page.topic_evidence_delete,
        name="topic_evidence_delete",
    ),
    path("dashboard/", dashboard_page.dashboard, name="dashboard"),
    path("dashboard/export.csv", dashboard_page.export_csv, name="export_csv"),
    path("dashboard/export.json", dashboard_page.export_json, name="export_json"),
    path("dashboard/import/", dashboard_page.import_json, name="import_json"),
    path("calendar/", calendar_feed_pages.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/<slug:token>.ics", calendar_feed_pages.calendar_feed, name="calendar_feed"),
    path("projects/<slug:slug>/", project_pages.project_detail, name="project_detail"),
    path("projects/<slug:slug>/start/", project_pages.project_start, name="project_start"),
    path("projects/<slug:slug>/work/", project_pages.project_work, name="project_work"),
    path("projects/<slug:slug>/criteria/", project_pages.project_criteria, name="project_criteria"),
    path("projects/<slug:slug>/reopen/", project_pages.project_reopen, name="project_reopen"),
    path("portfolio/", portfolio.portfolio_edit, name="portfolio_edit"),
    path("u/<username:username>/", portfolio.portfolio_page, name="portfolio"),
]
