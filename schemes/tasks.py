"""Celery tasks of the schemes app: thin wrappers that call a service."""

from celery import shared_task

from schemes import services


@shared_task(name="schemes.tasks.scheme_reviews_sweep")
def scheme_reviews_sweep() -> int:
    """Beat: review stages, victim-not-informed reminders, decided expiries."""
    return services.scheme_reviews_sweep()


@shared_task(name="schemes.tasks.scheme_sweep_one")
def scheme_sweep_one(scheme_id: int) -> int:
    return services.scheme_sweep_one(scheme_id=scheme_id)
