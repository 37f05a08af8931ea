from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save


class IshaConfig(AppConfig):
    """The project itself: wires the public page cache to the models pages show."""

    name = "isha"
    verbose_name = "Isha Health"

    def ready(self):
        from .pagecache import invalidate

        for label in settings.PAGE_CACHE_INVALIDATED_BY:
            model = apps.get_model(label)
            post_save.connect(invalidate, sender=model, dispatch_uid=f"pagecache-save-{label}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"pagecache-delete-{label}")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    invalidate,
                    sender=field.remote_field.through,
                    dispatch_uid=f"pagecache-m2m-{label}-{field.name}",
                )
