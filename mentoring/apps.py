from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self):
        from mentoring.slots import fill_slots  # noqa: PLC0415 (models are loaded only now)

        fill_slots()
