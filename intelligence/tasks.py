"""Celery tasks of the intelligence app: thin, they call a service."""

from celery import shared_task

from intelligence import services


@shared_task(name="intelligence.escalate_overdue_requests")
def escalate_overdue_requests() -> list[int]:
    return services.intel_request_escalate_due()
