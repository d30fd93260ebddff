"""The `metrics` role: a monitoring scraper's login, which reads /metrics and nothing else."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="metrics")


class Migration(migrations.Migration):
    dependencies = [("cad", "0007_incident_location")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
