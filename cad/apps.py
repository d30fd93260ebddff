from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_opening_codes(sender, using="default", **kwargs):
    """Seed the opening-code list when it is empty (after migrate, and after a test flush)."""
    from cad.calls.grading import OPENING_CODES
    from cad.models import OpeningCode

    if OpeningCode.objects.using(using).exists():
        return
    OpeningCode.objects.using(using).bulk_create(
        [
            OpeningCode(
                code=row.code,
                label=row.label,
                base_grade=row.base_grade,
                domestic=row.domestic,
                position=index,
            )
            for index, row in enumerate(OPENING_CODES)
        ]
    )


class CadConfig(AppConfig):
    name = "cad"
    verbose_name = "Call handling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_opening_codes, sender=self, dispatch_uid="cad.opening_codes")
        from cad.kernel import tokens

        tokens.connect_signals()
