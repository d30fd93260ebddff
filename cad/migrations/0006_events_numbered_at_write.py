"""Event ids are drawn as events are written, under an advisory lock held to the commit
(`cad.kernel.events`): the trigger that renumbered them inside COMMIT goes."""

from importlib import import_module

from django.db import migrations

numbered_at_commit = import_module("cad.migrations.0004_events_numbered_at_commit")


class Migration(migrations.Migration):
    dependencies = [("cad", "0005_contact_da_prompt")]

    operations = [migrations.RunSQL(numbered_at_commit.DROP, numbered_at_commit.NUMBER_AT_COMMIT)]
