# The activity log, moved from `workspace` without moving a row: the model takes over the
# existing table (created by workspace.0001), and the content type is renamed so that the
# permissions granted on it (the staff group's view_activity) stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_events(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="events", model="activity").exists():
        return
    ContentType.objects.using(db).filter(app_label="workspace", model="activity").update(
        app_label="events"
    )


def content_type_to_workspace(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="workspace", model="activity").exists():
        return
    ContentType.objects.using(db).filter(app_label="events", model="activity").update(
        app_label="workspace"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("workspace", "0004_activity_moved_to_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Activity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("verb", models.CharField(db_index=True, max_length=64)),
                        ("target_id", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("target_repr", models.CharField(blank=True, max_length=255)),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "target_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="activities",
                                to="workspace.workspace",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "activité",
                        "verbose_name_plural": "activités",
                        "db_table": "workspace_activity",
                        "ordering": ["-created", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["target_type", "target_id", "-created"],
                                name="workspace_a_target__3a78df_idx",
                            ),
                            models.Index(
                                fields=["workspace", "-created"],
                                name="workspace_a_workspa_bc8fb0_idx",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_events, content_type_to_workspace),
    ]
