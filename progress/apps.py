from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learner progress"

    def ready(self):
        from progress import signals  # noqa: F401 (connects the receivers)
