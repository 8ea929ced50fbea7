from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learner progress"

    def ready(self):
        # Imported only now: both need the models loaded.
        from mlepath import slots  # noqa: PLC0415
        from progress import account_section, signals  # noqa: F401, PLC0415 (signals connects the receivers)

        slots.fill("account-sections", template_name=account_section.TEMPLATE, context=account_section.calendar_section)
