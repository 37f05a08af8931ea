from django.db import migrations, models

# What the held sign-up's first history note said before the reason had a field of its own.
NOTE_REASONS = {
    "Held: Sent ": "too_fast",
    "Held: The form came without its timestamp": "no_stamp",
    "Held: The form's timestamp was not valid": "no_stamp",
}


def reasons_from_history(apps, schema_editor):
    """Give sign-ups held before this migration their reason, read from the note of their sign-up."""
    Subscriber = apps.get_model("signups", "Subscriber")
    SignupEvent = apps.get_model("signups", "SignupEvent")
    for prefix, reason in NOTE_REASONS.items():
        held = SignupEvent.objects.filter(kind="signed_up", note__startswith=prefix).values("subscriber")
        Subscriber.objects.filter(pk__in=held, held_reason="").update(held_reason=reason)


class Migration(migrations.Migration):
    """Why a sign-up was held (trap field, too fast, expired or missing time stamp), for Marketing's filter."""

    dependencies = [
        ("signups", "0006_exportlog_include_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="held_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("trap", "trap field filled in"),
                    ("too_fast", "sent too fast"),
                    ("expired", "form's time stamp expired"),
                    ("no_stamp", "no valid time stamp"),
                ],
                help_text="Why the sign-up looked automated and was held; kept after a release.",
                max_length=16,
                verbose_name="held because",
            ),
        ),
        migrations.RunPython(reasons_from_history, migrations.RunPython.noop, elidable=True),
    ]
