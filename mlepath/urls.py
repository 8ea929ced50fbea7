from django.contrib import admin
from django.urls import include, path

from mentoring.urls import topic_urlpatterns
from mlepath import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accounts/", include("accounts.urls")),
    path("", include("roadmap.urls")),
    path("", include("progress.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("topics/", include(topic_urlpatterns)),
    path("admin/", admin.site.urls),
]

handler500 = "mlepath.views.server_error"
