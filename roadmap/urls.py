from django.urls import path

from roadmap import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<slug:slug>/map/", views.roadmap_map, name="roadmap_map"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
]
