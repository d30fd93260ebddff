"""Event ids are handed out as each transaction commits, not as its events are written.

A service writes its events with provisional ids from the table's own sequence. A deferred
constraint trigger runs inside COMMIT: under a transaction-scoped advisory lock, it gives
each of the transaction's events a new id from the same sequence, in the order they were
written. The lock is released only after the commit is visible, so a reader that has seen
id N never later finds a committed event below N. Because the lock is taken inside COMMIT
on the server, no transaction waits for another's round trips to the web process: before,
the lock was taken when the first event was written and held until the client's COMMIT.

The trigger also lets this COMMIT return before its WAL reaches the disk, so the lock is
not held through a disk flush and commits waiting for it still share one flush; the
writer then flushes before it answers anyone (`cad.events`), so no request is confirmed,
and no alert escalation is taken as done, until it is durable.
"""

from django.db import migrations

# 212723687 (0x0CADE7E7): the key of the system-wide event-order advisory lock.
NUMBER_AT_COMMIT = """
CREATE FUNCTION cad_event_number_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(212723687);
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE cad_event SET id = nextval('cad_event_id_seq') WHERE id = NEW.id;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER cad_event_number_at_commit
    AFTER INSERT ON cad_event
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION cad_event_number_at_commit();
"""

DROP = """
DROP TRIGGER cad_event_number_at_commit ON cad_event;
DROP FUNCTION cad_event_number_at_commit();
"""


class Migration(migrations.Migration):
    dependencies = [("cad", "0003_call_handling")]

    operations = [migrations.RunSQL(NUMBER_AT_COMMIT, DROP)]
