"""Load the Eurométropole's communes and the starting themes, so every install has them."""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

CSV = Path(__file__).resolve().parent.parent.parent / "data" / "communes-eurometropole-strasbourg.csv"
THEMES = ["Mobilité", "Environnement", "Éducation", "Culture", "Solidarités", "Urbanisme",
          "Numérique", "Santé", "Sport", "Démocratie locale"]


def load(apps, schema_editor):
    Territory = apps.get_model("territories", "Territory")
    Theme = apps.get_model("territories", "Theme")
    with CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    order = {"metropole": 0, "commune": 1, "quartier": 2}
    by_name = {}
    for row in sorted(rows, key=lambda r: order.get(r["kind"], 9)):
        parent = by_name.get(row["parent"].strip()) if row["parent"].strip() else None
        obj, _ = Territory.objects.get_or_create(
            slug=slugify(row["name"].strip().replace("'", " ")),
            defaults={"name": row["name"].strip(), "kind": row["kind"].strip(), "parent": parent},
        )
        by_name[row["name"].strip()] = obj
    for name in THEMES:
        Theme.objects.get_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
