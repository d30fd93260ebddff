"""Role groups (names as in API.md) and the default response targets."""

from django.db import migrations

ROLES = [
    "call_handler",
    "dispatcher",
    "controller",
    "inspector",
    "supervisor",
    "qart",
    "oic",
    "crime_manager",
    "intelligence",
    "unit",
    "admin",
]
# Seconds from the call being received. SCHEDULED runs to the agreed appointment and
# RESOLVED_WITHOUT_DEPLOYMENT has no attendance clock, so neither has a row here.
TARGETS = [
    ("IMMEDIATE", "urban", 15 * 60),
    ("IMMEDIATE", "rural", 20 * 60),
    ("PRIORITY", "urban", 60 * 60),
    ("PRIORITY", "rural", 60 * 60),
]


def forwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    target = apps.get_model("cad", "ResponseTarget")
    for name in ROLES:
        group.objects.get_or_create(name=name)
    for grade, area, seconds in TARGETS:
        target.objects.get_or_create(grade=grade, area=area, defaults={"seconds": seconds})


class Migration(migrations.Migration):
    dependencies = [("cad", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
