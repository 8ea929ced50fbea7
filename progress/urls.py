from django.urls import path

from progress import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.export_csv, name="export_csv"),
    path("dashboard/export.json", views.export_json, name="export_json"),
    path("dashboard/import/", views.import_json, name="import_json"),
]
