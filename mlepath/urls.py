from django.contrib import admin
from django.urls import include, path

from mentoring.urls import project_urlpatterns, topic_urlpatterns
from mlepath import views

urlpatterns = [
    path("", include("roadmap.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", views.healthz_worker, name="healthz_worker"),
    path("ping", views.ping, name="ping"),
    path("accounts/", include("accounts.urls")),
    path("", include("progress.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("topics/", include(topic_urlpatterns)),
    path("projects/", include(project_urlpatterns)),
    path("admin/", admin.site.urls),
]

# None of them reads the request's body: see mlepath.views.
handler400 = "mlepath.views.bad_request"
handler403 = "mlepath.views.permission_denied"
handler404 = "mlepath.views.page_not_found"
handler500 = "mlepath.views.server_error"
