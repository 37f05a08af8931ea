from django.db import migrations, models


class Migration(migrations.Migration):
    """Record whether an export said where each person signed up.

    Exports made before the choice existed always did, so their rows get ``True``;
    new exports leave it out unless asked (the field's default becomes ``False``).
    """

    dependencies = [
        ("signups", "0005_names_import_source_export_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportlog",
            name="include_source",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="exportlog",
            name="include_source",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "The export held each person's source page, article, UTM values and referrer "
                    "(the article read can reveal a health interest)."
                ),
                verbose_name="with where they signed up",
            ),
        ),
    ]
