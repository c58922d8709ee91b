# Privacy kept on the row (drafts until now were recognised by their verb alone).

from django.db import migrations, models

# The verbs that were private when the column arrived: framing-note drafts.
PRIVATE_VERBS = ("framing_note.drafted", "framing_note.updated")


def mark_drafts_private(apps, schema_editor):
    Activity = apps.get_model("events", "Activity")
    db = schema_editor.connection.alias
    Activity.objects.using(db).filter(verb__in=PRIVATE_VERBS).update(private=True)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_activity_moved_from_workspace"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="private",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_drafts_private, migrations.RunPython.noop),
    ]
