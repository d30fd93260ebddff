"""The `avl` role: a vehicle location (AVL) feed's login, which posts units' positions."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="avl")


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0008_position_feed"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
