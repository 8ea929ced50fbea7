from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Roadmap"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from roadmap import models
        from roadmap.selectors import bump_content_version

        def content_changed(sender, **kwargs):
            if not kwargs.get("raw"):
                bump_content_version()

        # Admin edits go through these; the loader bumps once at its end.
        for model in (
            models.Roadmap,
            models.Section,
            models.Topic,
            models.Placement,
            models.Resource,
            models.Prerequisite,
        ):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"roadmap-content-{model.__name__}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"roadmap-content-del-{model.__name__}")
