"""E-mails of notifications: one at once for what concerns a person directly (and for those
who chose "immédiat"), digests for the rest. Plain text and light HTML, in the recipient's
language, each with its one-click unsubscribe (RFC 8058: `List-Unsubscribe` and
`List-Unsubscribe-Post`). Sent through Django's e-mail (the SMTP settings; the console in the
embedded default).

Failures: a temporary one is retried with a growing delay (FABRIQUE's worker sweep); a hard
one (the address refused, a 5xx answer) counts against the address, and after
FABRIQUE_EMAIL_HARD_FAILURES in a row e-mail stops for it until the person says it works again
(their notification settings show why).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Notification, Recipient
from .selectors import notification_label, notification_why, still_visible
from .tokens import Unsubscribe, unsubscribe_url

logger = logging.getLogger(__name__)

MAX_MAIL_ATTEMPTS = 5
MAIL_CLAIM_SECONDS = 600


class HardFailure(Exception):
    """The address itself is refused: retrying will not help."""


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str
    unsubscribe: str


def absolute(url: str) -> str:
    if url.startswith("http://") or url.startswith("https://"):
        return url
    return settings.SITE_URL.rstrip("/") + url


def _send(to: str, mail: Mail) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{mail.unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(mail.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise HardFailure(str(error)[:200]) from error
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            raise HardFailure(f"{error.smtp_code}") from error
        raise


def send_to(recipient: Recipient, mail: Mail) -> None:
    """Send, and keep the address's record: a success clears its failures, a hard failure
    counts (and stops e-mail at the threshold). Raises on failure, for the caller to retry."""
    try:
        _send(recipient.user.email, mail)
    except HardFailure as error:
        Recipient.objects.filter(pk=recipient.pk).update(hard_failures=F("hard_failures") + 1)
        Recipient.objects.filter(
            pk=recipient.pk,
            hard_failures__gte=settings.FABRIQUE_EMAIL_HARD_FAILURES,
            email_disabled_at__isnull=True,
        ).update(email_disabled_at=timezone.now(), email_disabled_reason=str(error)[:200])
        raise
    if recipient.hard_failures:
        Recipient.objects.filter(pk=recipient.pk).update(hard_failures=0)


def notification_mail(notification: Notification, recipient: Recipient) -> Mail:
    """One notification as an e-mail, in the recipient's language."""
    if notification.kind == Notification.Kind.FOLLOW and ":" in notification.reason:
        target_type, target_id = notification.reason.split(":", 1)
        stop = Unsubscribe(recipient.user_id, target_type, int(target_id))
    else:
        stop = Unsubscribe(recipient.user_id)
    with translation.override(recipient.language):
        context = {
            "label": notification_label(notification),
            "group": notification.group_label,
            "why": notification_why(notification),
            "url": absolute(notification.url),
            "unsubscribe": unsubscribe_url(stop),
            "unsubscribe_all": unsubscribe_url(Unsubscribe(recipient.user_id)),
            "settings_url": absolute(reverse("notifications:settings")),
            "one_subscription": bool(stop.target_type),
        }
        subject = f"{context['label']} – {notification.group_label}"[:180]
        return Mail(
            subject=subject,
            text=render_to_string("notifications/email/notification.txt", context),
            html=render_to_string("notifications/email/notification.html", context),
            unsubscribe=context["unsubscribe"],
        )


def mail_send_due(*, limit: int = 200, now: datetime.datetime | None = None) -> int:
    """Send the e-mails due at once: what concerns a person directly, one by one (each claimed,
    so two workers never send the same), then the grouped news of "immédiat" readers; returns
    how many e-mails went out."""
    now = now or timezone.now()
    due = Q(mail=Notification.Mail.PENDING, kind=Notification.Kind.DIRECT) & (
        Q(mail_next_at__isnull=True) | Q(mail_next_at__lte=now)
    )
    ids = list(Notification.objects.filter(due).order_by("id").values_list("id", flat=True)[:limit])
    sent = 0
    for pk in ids:
        claimed = Notification.objects.filter(due, pk=pk).update(
            mail_next_at=now + datetime.timedelta(seconds=MAIL_CLAIM_SECONDS)
        )
        if not claimed:
            continue
        notification = Notification.objects.select_related("activity__actor", "recipient").get(
            pk=pk
        )
        recipient = Recipient.objects.select_related("user").get(pk=notification.recipient_id)
        if not recipient.email_enabled or not recipient.user.is_active:
            Notification.objects.filter(pk=pk).update(mail=Notification.Mail.NONE)
            continue
        if pk not in still_visible(recipient.user, [notification]):
            Notification.objects.filter(pk=pk).update(mail=Notification.Mail.NONE)
            continue
        try:
            send_to(recipient, notification_mail(notification, recipient))
        except Exception as error:
            attempts = notification.mail_attempts + 1
            final = isinstance(error, HardFailure) or attempts >= MAX_MAIL_ATTEMPTS
            if not isinstance(error, HardFailure):
                logger.warning("notification e-mail failed (attempt %d): %s", attempts, error)
            Notification.objects.filter(pk=pk).update(
                mail_attempts=attempts,
                mail=Notification.Mail.FAILED if final else Notification.Mail.PENDING,
                mail_next_at=timezone.now() + datetime.timedelta(minutes=2**attempts),
            )
            continue
        Notification.objects.filter(pk=pk).update(
            mail=Notification.Mail.SENT, mail_attempts=notification.mail_attempts + 1
        )
        sent += 1
    # Followed news of those who chose "immédiat": one e-mail per person per sweep, grouped
    # like a digest, never one per event.
    from .digests import immediate_send_due

    return sent + immediate_send_due(now=now, limit=limit)
