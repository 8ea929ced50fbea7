from django.urls import path

from roadmap import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
