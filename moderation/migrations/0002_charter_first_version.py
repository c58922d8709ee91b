from django.db import migrations


def install(apps, schema_editor):
    from moderation.charter import ARTICLES, INTRODUCTION

    CharterVersion = apps.get_model("moderation", "CharterVersion")
    if not CharterVersion.objects.exists():
        CharterVersion.objects.create(
            number=1,
            introduction=INTRODUCTION,
            articles=ARTICLES,
            change_note="Première version.",
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
