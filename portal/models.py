"""The portal's own rows: the bytes the site served per day (portal/footprint/counter.py)."""

from __future__ import annotations

from django.db import models


class ServedBytes(models.Model):
    """Bytes of response bodies the site served on one day, all visitors and files together.

    Nothing personal: no address, no path, no account, no time finer than the day. Each
    process adds its counts about once a minute (one UPDATE), never once per request."""

    day = models.DateField(unique=True)
    bytes = models.BigIntegerField(default=0)
    responses = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = "octets servis"
        verbose_name_plural = "octets servis"

    def __str__(self) -> str:
        return f"{self.day}: {self.bytes} octets"
