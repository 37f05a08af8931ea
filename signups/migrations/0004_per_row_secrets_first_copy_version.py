"""Per-row secrets for existing subscribers, the copy's first version, then the unique token."""

import secrets

from django.db import migrations, models

import signups.models

VERSIONED_FIELDS = ("heading", "intro", "button_label")


def fill_secrets_and_first_version(apps, schema_editor):
    """Give each existing subscriber its own secrets, and the copy row its first version.

    AddField computes a callable default once for all rows; tokens must differ per row.
    Existing subscribers signed up before double opt-in: they stay "pending" (the field's
    default) until staff resend them the confirmation.
    """
    db = schema_editor.connection.alias
    Subscriber = apps.get_model("signups", "Subscriber")
    for subscriber in Subscriber.objects.using(db).only("pk").iterator():
        Subscriber.objects.using(db).filter(pk=subscriber.pk).update(
            unsubscribe_token=secrets.token_urlsafe(32), confirmation_nonce=secrets.token_urlsafe(32)
        )
    SignupFormCopy = apps.get_model("signups", "SignupFormCopy")
    SignupFormCopyVersion = apps.get_model("signups", "SignupFormCopyVersion")
    for copy in SignupFormCopy.objects.using(db).filter(current_version__isnull=True):
        version = SignupFormCopyVersion.objects.using(db).create(
            **{name: getattr(copy, name) for name in VERSIONED_FIELDS}
        )
        SignupFormCopy.objects.using(db).filter(pk=copy.pk).update(current_version=version)


class Migration(migrations.Migration):
    dependencies = [
        ("signups", "0003_lifecycle_consent_erasure"),
    ]

    operations = [
        migrations.RunPython(fill_secrets_and_first_version, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="unsubscribe_token",
            field=models.CharField(
                default=signups.models.new_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
