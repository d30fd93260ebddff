import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

app = Celery("cad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def load_risk_language(**kwargs):
    """Workers re-assess incidents: load the tokenizer and lemma tables once per process."""
    from cad.calls import risk_language

    risk_language.load_in_background()
