"""Create the one SignupFormCopy row (pk=1) with the launch texts.

The texts are frozen here rather than imported from ``signups.models`` so that this
migration keeps creating the same row after the model's defaults change.
"""

from django.db import migrations

DEFAULT_COPY = {
    "heading": "Sign up for the Isha Health newsletter",
    "intro": "",
    "button_label": "Sign up",
    "success_message": "Thank you! Your submission has been received!",
    "error_message": "Oops! Something went wrong while submitting the form.",
}


def create_default_copy(apps, schema_editor):
    SignupFormCopy = apps.get_model("signups", "SignupFormCopy")
    # get_or_create: a row Marketing already edited (or SignupFormCopy.load() made) is kept.
    SignupFormCopy.objects.using(schema_editor.connection.alias).get_or_create(pk=1, defaults=DEFAULT_COPY)


class Migration(migrations.Migration):
    dependencies = [
        ("signups", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default_copy, migrations.RunPython.noop),
    ]
