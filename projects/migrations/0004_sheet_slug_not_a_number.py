"""A sheet's slug becomes its address (/fiches/<slug>/) next to its id's (/fiches/<id>/): a slug
made only of digits would be read as an id. The validator refuses new ones; existing ones get a
"fiche-" prefix (with a number if that is taken)."""

import django.core.validators
from django.db import migrations, models


def prefix_numeric_slugs(apps, schema_editor):
    sheet_model = apps.get_model("projects", "ProjectSheet")
    for sheet in sheet_model.objects.filter(slug__regex=r"^[0-9]+$"):
        base = f"fiche-{sheet.slug}"[:110]
        slug, n = base, 2
        while sheet_model.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        sheet.slug = slug
        sheet.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_framing_note_amount_not_negative"),
    ]

    operations = [
        migrations.RunPython(prefix_numeric_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="projectsheet",
            name="slug",
            field=models.SlugField(
                max_length=120,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]+$",
                        "L'identifiant ne peut pas être composé uniquement de chiffres.",
                        inverse_match=True,
                    )
                ],
                verbose_name="identifiant",
            ),
        ),
    ]
