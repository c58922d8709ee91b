"""The worker's heartbeat: which task workers are alive, for recovery and /healthz."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running worker process, refreshed every few seconds by a thread of its own.

    A worker killed outright (SIGKILL, power loss) stops refreshing it: past
    FABRIQUE_WORKER_DEAD_AFTER_SECONDS its running tasks are handed to another worker.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("battement de cœur d'un worker")
        verbose_name_plural = _("battements de cœur des workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
