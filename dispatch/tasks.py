"""Celery tasks of the dispatch app: thin wrappers around the sweeps (beat, every second)."""

from celery import shared_task

from dispatch import geo_services, services


@shared_task(name="dispatch.tasks.clock_sweep", ignore_result=True)
def clock_sweep() -> int:
    return services.clock_sweep()


@shared_task(name="dispatch.tasks.assignment_ack_sweep", ignore_result=True)
def assignment_ack_sweep() -> int:
    return services.assignment_ack_sweep()


@shared_task(name="dispatch.tasks.divert_sweep", ignore_result=True)
def divert_sweep() -> int:
    return services.divert_sweep()


@shared_task(name="dispatch.tasks.victim_callback_sweep", ignore_result=True)
def victim_callback_sweep() -> int:
    return services.victim_callback_sweep()


@shared_task(name="dispatch.tasks.predicted_breach_sweep", ignore_result=True)
def predicted_breach_sweep() -> int:
    return geo_services.predicted_breach_sweep()


@shared_task(name="dispatch.tasks.publish_positions", ignore_result=True)
def publish_positions() -> int:
    return geo_services.publish_positions()
