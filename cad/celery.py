import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

app = Celery("cad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def load_risk_language(**kwargs):
    """Workers re-assess incidents: load the tokenizer, the lemma tables and the models
    learnt from labelled calls once per process."""
    from cad.calls import risk_language

    risk_language.load_in_background()


_task_log_context: dict = {}


@task_prerun.connect
def bind_task_log_context(task_id=None, **kwargs):
    """A task's log lines carry its id as the request id, and the actor "system"."""
    from cad.kernel import log_context

    _task_log_context[task_id] = log_context.bind(task_id or "", "system")


@task_postrun.connect
def unbind_task_log_context(task_id=None, **kwargs):
    from cad.kernel import log_context

    tokens = _task_log_context.pop(task_id, None)
    if tokens is not None:
        log_context.unbind(tokens)
