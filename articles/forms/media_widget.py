"""The body editor's widget with the media library: upload, drop, paste and choose images."""

from django import forms
from django.templatetags.static import static
from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget


class LibraryProseEditorWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget plus ``articles/admin/image-library.js``.

    The module is loaded as one of the editor's extension modules (django-prose-editor's
    ``js_modules``, imported by its "configurable" preset) and adds the ``ImageLibrary``
    extension, configured with the admin's upload and picker addresses.
    """

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["articles/admin/image-library.css"]})

    def get_config(self):
        config = super().get_config()
        config["js_modules"] = [*config.get("js_modules", []), static("articles/admin/image-library.js")]
        picker_url = reverse("admin:articles_image_picker")
        config["extensions"] = {
            **config["extensions"],
            # The figure dialog's "Browse..." opens the library to choose an image in it.
            "Figure": {"pickerUrl": picker_url},
            "ImageLibrary": {
                "uploadUrl": reverse("admin:articles_image_upload"),
                "pickerUrl": picker_url,
            },
        }
        return config
