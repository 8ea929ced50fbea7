from django.urls import path

from roadmap import views

# The public content pages. A roadmap's own page, its map and the topic pages
# show the learner's progress too, so progress.urls serves them.
urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
]
