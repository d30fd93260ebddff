"""QART findings on diverts and the urgent-review queue.

Only `reports.qart_services` writes these rows. A finding is never edited: a later
finding on the same divert supersedes it, and the latest one is the divert's QART
status. An urgent review stays in the queue until a later finding concludes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cad.models import AppendOnlyModel

__all__ = ["QartFinding", "QartReview", "UrgentReview"]


class QartFinding(models.TextChoices):
    APPROPRIATE = "appropriate", "Appropriate"
    INAPPROPRIATE = "inappropriate", "Inappropriate"
    URGENT_REVIEW = "urgent_review", "Urgent review"


class QartReview(AppendOnlyModel):
    """One finding of the Quality Assurance Review Team on one divert."""

    divert = models.ForeignKey(
        "dispatch.Divert", on_delete=models.PROTECT, related_name="qart_reviews"
    )
    finding = models.CharField(max_length=16, choices=QartFinding.choices)
    notes = models.TextField(blank=True, default="")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The latest finding per divert (the divert's QART status).
            models.Index(fields=["divert", "-at", "-id"], name="qart_review_divert_latest"),
            models.Index(fields=["finding", "at"], name="qart_review_finding_at"),
        ]

    def __str__(self):
        return f"QART {self.finding} on divert {self.divert_id}"


class UrgentReview(models.Model):
    """An urgent review opened by QART; it leaves the queue when a later finding concludes it."""

    divert = models.ForeignKey(
        "dispatch.Divert", on_delete=models.PROTECT, related_name="urgent_reviews"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    opening_review = models.OneToOneField(
        QartReview, on_delete=models.PROTECT, related_name="opened_urgent_review"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_review = models.OneToOneField(
        QartReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_urgent_review",
    )

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["divert"],
                condition=Q(closed_at__isnull=True),
                name="urgent_review_one_open_per_divert",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closing_review__isnull=True)
                | Q(closed_at__isnull=False, closing_review__isnull=False),
                name="urgent_review_closed_consistent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["opened_at"],
                name="urgent_review_open_queue",
                condition=Q(closed_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"urgent review of divert {self.divert_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
