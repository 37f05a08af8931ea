"""Models with exactly one row (site-wide copy edited in the admin), and their admin."""

import time
import uuid

from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import cacheguard

#: A process keeps its copy of a row at most this long, even when the shared version
#: says nothing changed: a bound on staleness should a version change ever be lost.
LOCAL_COPY_SECONDS = 60.0
# {model label: (version, loaded at (time.monotonic()), row)}, in this process.
_local_copies: dict[str, tuple[str, float, models.Model]] = {}
# Version keys a save could not replace because the cache was down.
_missed_versions: set[str] = set()


class SingletonModel(models.Model):
    """An abstract model whose only row has primary key 1."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        # After the commit (never for a rolled-back save), every process's copy expires.
        transaction.on_commit(type(self).retire_shared_copies, robust=True, using=kwargs.get("using"))

    @classmethod
    def load(cls):
        """Return the one row, creating it with the field defaults on first use."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @classmethod
    def _version_key(cls):
        return f"singleton-version:{cls._meta.label_lower}"

    @classmethod
    def load_shared(cls):
        """The one row, read once per process while it does not change: for pages, which
        read it on every request. The same object is returned to every caller, so it
        must not be modified (the admin uses :meth:`load`).

        Every process keeps its copy with the row's version, a token in the shared cache
        (Redis in production, so every worker sees it) that :meth:`save` replaces once
        the save commits. Each call costs one cache read; the row is read again when the
        version differs, after :data:`LOCAL_COPY_SECONDS`, and on every call while the
        cache cannot be reached (``isha.cacheguard``). The version is read before the row,
        so a copy is never newer than the version it is kept with claims.
        """
        label, key = cls._meta.label_lower, cls._version_key()
        version = cacheguard.guarded(lambda: cache.get(key))
        if version is None:
            token = uuid.uuid4().hex
            version = cacheguard.guarded(lambda: token if cache.add(key, token, None) else cache.get(key))
        kept = _local_copies.get(label)
        fresh = kept is not None and time.monotonic() - kept[1] < LOCAL_COPY_SECONDS
        if version is not None and fresh and kept[0] == version:
            return kept[2]
        row = cls.load()
        if version is not None:
            _local_copies[label] = (version, time.monotonic(), row)
        return row

    @classmethod
    def retire_shared_copies(cls):
        """Give the row a new version in the shared cache, so every process reads it again
        (:meth:`load_shared`); this process forgets its copy at once. Forced through a
        known cache outage, and done again when the cache comes back
        (``isha.cacheguard.on_recovery``) in a process that could not do it."""
        _local_copies.pop(cls._meta.label_lower, None)
        key = cls._version_key()
        done = cacheguard.guarded(lambda: cache.set(key, uuid.uuid4().hex, timeout=None) or True, force=True)
        if not done:
            _missed_versions.add(key)
            cacheguard.on_recovery(_retire_missed_versions)


def _retire_missed_versions():
    """``isha.cacheguard`` recovery callback: drop the versions a save could not replace."""
    for key in list(_missed_versions):
        cache.delete(key)  # raises while the cache is still down: the key stays listed
        _missed_versions.discard(key)


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
