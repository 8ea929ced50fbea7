from django.urls import path

from roadmap import views

# The content's front page. The roadmap list, a roadmap's page, its map and the
# topic pages show the learner's progress too, so progress.urls serves them.
urlpatterns = [
    path("", views.home, name="home"),
]
