# The activity log moved to the `events` app; its table stays (events.Activity uses it).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0003_workspace_institution_grant"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Activity")],
            database_operations=[],
        ),
    ]
