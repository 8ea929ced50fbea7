from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language
from mentoring.urls import project_urlpatterns, topic_urlpatterns
from mlepath import views

# Machines' addresses, the same in every language.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", views.healthz_worker, name="healthz_worker"),
    path("ping", views.ping, name="ping"),
    path("i18n/language/", set_language, name="set_language"),
    # In English for everyone (accounts.languages): the content's own language.
    path("admin/", admin.site.urls),
]

# People's pages: English at /..., Japanese at /ja/... (accounts.languages says
# which language an unprefixed address answers in).
urlpatterns += i18n_patterns(
    path("", include("roadmap.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("progress.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("topics/", include(topic_urlpatterns)),
    path("projects/", include(project_urlpatterns)),
    prefix_default_language=False,
)

# None of them reads the request's body: see mlepath.views.
handler400 = "mlepath.views.bad_request"
handler403 = "mlepath.views.permission_denied"
handler404 = "mlepath.views.page_not_found"
handler500 = "mlepath.views.server_error"
