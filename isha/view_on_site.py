"""The admin's "view on site" redirect, limited to objects the signed-in user may view.

Django's ``django.contrib.contenttypes.views.shortcut`` (what the admin serves at
``admin/r/<content_type_id>/<object_id>/``) redirects any staff member to any object's
``get_absolute_url()``, so staff without permission on articles could learn a draft's
address. This view answers 404 unless the object's model is registered with the admin and
its ``ModelAdmin.has_view_permission(request, obj)`` allows it, the same 404 as for an
object that does not exist, so the answer does not tell which ids exist.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404


def _viewable(request, content_type_id, object_id):
    """True when the object exists and the user may view it in the admin."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return False
    model = content_type.model_class()
    model_admin = admin.site.get_model_admin(model) if model and admin.site.is_registered(model) else None
    if model_admin is None:
        return False
    try:
        obj = model_admin.get_queryset(request).get(pk=object_id)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        return False
    return model_admin.has_view_permission(request, obj)


def view_on_site(request, content_type_id, object_id):
    """Redirect (302) to the object's public address, as Django's shortcut does, when the
    user may view the object in the admin; otherwise raise ``Http404``. Staff only: wrap
    it in ``admin.site.admin_view`` (signed-out visitors go to the admin's login)."""
    if not _viewable(request, content_type_id, object_id):
        raise Http404("No object you may view.")
    return shortcut(request, content_type_id, object_id)
