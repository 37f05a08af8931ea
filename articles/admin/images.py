"""Every image upload in the admin is checked like an article's hero image."""

from django.db import models

from ..forms.article import CheckedImageField
from ..forms.labels import LabelledAdminFileWidget


class CheckedImagesMixin:
    """For a ``ModelAdmin``: each ``ImageField`` of the model gets
    :class:`~articles.forms.article.CheckedImageField` (content, pixel count, side and
    aspect ratio checked from the header before anything is stored; see
    :func:`articles.images.normalized_upload`), keeping the admin's file widget (with its
    label: :class:`~articles.forms.labels.LabelledAdminFileWidget`). A refused upload is a
    form error on the field, and no file is written."""

    formfield_overrides = {
        models.ImageField: {"form_class": CheckedImageField, "widget": LabelledAdminFileWidget},
    }
