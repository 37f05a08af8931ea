"""Models with exactly one row (site-wide copy edited in the admin), and their admin."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse


class SingletonModel(models.Model):
    """An abstract model whose only row has primary key 1."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """Return the one row, creating it with the field defaults on first use."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class SingletonModelAdmin(admin.ModelAdmin):
    """No list, no add once the row exists, no delete: the list goes to the one row."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.model.load().pk])
        )
