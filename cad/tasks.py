"""Celery tasks of the call-handling app: thin, they call services."""

from celery import shared_task
from django.utils import timezone

from cad.calls import selectors, services


@shared_task(name="cad.follow_ups_sweep")
def follow_ups_sweep() -> int:
    """Escalate follow-ups not acknowledged by their due time; safe to run twice."""
    now = timezone.now()
    return sum(
        services.follow_up_escalate_overdue(follow_up_id=follow_up_id, now=now)
        for follow_up_id in selectors.follow_ups_due(now)
    )
