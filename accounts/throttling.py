"""Brute-force limits: sign-in lockout (django-axes, per account and per address), atomic attempt
counters for everything else (share-link passwords, API rates), and the 429 answers with a
retry time that both give."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .models import AttemptCounter

# --- who is asking -------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address FABRIQUE_TRUSTED_PROXIES proxies away in
    X-Forwarded-For. Headers a client may forge are never trusted beyond the proxies we run."""
    proxies = settings.FABRIQUE_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return (request.META.get("REMOTE_ADDR") or "0.0.0.0")[:45]  # noqa: S104


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, as the backend will look it up (case-insensitive):
    "Alice@…" and "alice@…" share one counter."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    value = source.get("username") or source.get("email") if hasattr(source, "get") else None
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip().lower()
    return value[:255] or None


# --- retry times and messages ---------------------------------------------------------------


def seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def retry_message(retry_at: datetime, *, what: str = "login") -> str:
    """ "Try again from 14:05 (in 15 minutes)" in the user's language."""
    minutes = math.ceil(seconds_until(retry_at) / 60)
    moment = formats.time_format(timezone.localtime(retry_at), "H:i")
    wait = ngettext(
        "Réessayez à partir de %(time)s (dans %(minutes)s minute).",
        "Réessayez à partir de %(time)s (dans %(minutes)s minutes).",
        minutes,
    ) % {"time": moment, "minutes": minutes}
    if what == "share_link":
        lead = _("Trop de mots de passe essayés pour ce lien.")
    elif what == "rate":
        lead = _("Trop de demandes en peu de temps.")
    elif what == "invitations":
        lead = _("Vous avez envoyé beaucoup d'invitations aujourd'hui.")
    else:
        lead = _("Trop de tentatives de connexion infructueuses.")
    return f"{lead} {wait}"


class TooManyAttempts(exceptions.Throttled):
    """DRF's 429 with a French detail naming the retry time, and a Retry-After header."""

    def __init__(self, *, retry_at: datetime, what: str = "login") -> None:
        # Throttled's own detail appends an English "Expected available in…": use ours.
        exceptions.APIException.__init__(self, retry_message(retry_at, what=what), "throttled")
        self.wait = seconds_until(retry_at)


# --- sign-in lockout (django-axes) ----------------------------------------------------------


class LoginLockoutBackend(AxesStandaloneBackend):
    """axes' gate, first among the backends: a locked account or address is refused before any
    password is checked. Every sign-in an attacker can reach (the login page, the admin, the
    token endpoint) passes its request; `authenticate()` without a request (the test client,
    a shell) has nothing to count and goes on to the other backends."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginFailureHandler(AxesDatabaseHandler):
    """axes' database handler with its own limit for the account and for the address: many
    people sign in from one address (a town hall, a school), so it gets a higher limit.

    axes compares one number with AXES_FAILURE_LIMIT; each parameter's count is given in units
    of that limit, so count ≥ its own limit exactly when the reported number ≥ AXES_FAILURE_LIMIT.
    The counts themselves are axes' rows, incremented with F() under a row lock: atomic."""

    def _recent(self, request, credentials) -> list[tuple[QuerySet, int]]:
        threshold = get_cool_off_threshold(request)
        recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
        sets = []
        username = get_client_username(request, credentials)
        if username:
            sets.append((recent.filter(username=username), settings.FABRIQUE_LOGIN_FAILURE_LIMIT))
        if request.axes_ip_address:
            sets.append(
                (
                    recent.filter(ip_address=request.axes_ip_address),
                    settings.FABRIQUE_LOGIN_IP_FAILURE_LIMIT,
                )
            )
        return sets

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        worst = 0
        for attempts, own_limit in self._recent(request, credentials):
            count = sum(attempts.values_list("failures_since_start", flat=True))
            worst = max(worst, count * limit // own_limit)
        return worst

    def retry_at(self, request, credentials: dict | None = None) -> datetime | None:
        """When the lock lifts: rows leave the window oldest first, each a cool-off after its
        last failure; the lock lifts when what is left is under the limit."""
        AxesProxyHandler.update_request(request)
        cool_off = get_cool_off(request)
        latest = None
        for attempts, own_limit in self._recent(request, credentials):
            rows = list(
                attempts.order_by("attempt_time").values_list(
                    "attempt_time", "failures_since_start"
                )
            )
            left = sum(count for _time, count in rows)
            for attempt_time, count in rows:
                if left < own_limit:
                    break
                left -= count
                lifted = attempt_time + cool_off
                latest = lifted if latest is None else max(latest, lifted)
        return latest

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        login_failures_forget(request=request, username=user.get_username())


def _handler() -> LoginFailureHandler:
    return AxesProxyHandler.get_implementation()  # type: ignore[return-value]


def login_retry_at(request, credentials: dict | None = None) -> datetime:
    retry_at = _handler().retry_at(request, credentials)
    return retry_at or timezone.now() + get_cool_off(request)


def login_failures_forget(*, request, username: str) -> None:
    """After a successful sign-in, forget this account's failures *from this address* only:
    forgetting the address's failures would let an attacker with an account of their own reset
    the address counter between guesses at other accounts."""
    AxesProxyHandler.update_request(request)
    AccessAttempt.objects.filter(
        username=username.strip().lower(), ip_address=request.axes_ip_address
    ).delete()


def login_is_locked(request, *, username: str | None) -> bool:
    return AxesProxyHandler.is_locked(request, {"email": username})


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """axes' lockout answer: the sign-in page again (ours or the admin's), its form keeping the
    address, with the retry time; 429 and Retry-After."""
    from django.contrib import admin
    from django.contrib.admin.forms import AdminAuthenticationForm
    from django.contrib.auth.forms import AuthenticationForm

    retry_at = login_retry_at(request, credentials)
    message = retry_message(retry_at)
    username = login_username(request, credentials) or ""
    if request.path.startswith(reverse("admin:index")):
        form = AdminAuthenticationForm(request, initial={"username": username})
        template = "admin/login.html"
        context = {
            **admin.site.each_context(request),
            "title": _("Se connecter"),
            "app_path": request.get_full_path(),
            "username": username,
        }
    else:
        form = AuthenticationForm(request, initial={"username": username})
        template = "accounts/login.html"
        context = {"next": request.POST.get("next", "")}
    # An unbound form with the message as its error: binding it would authenticate again.
    form._errors = ErrorDict({"__all__": form.error_class([message])})
    response = render(request, template, {**context, "form": form}, status=429)
    response["Retry-After"] = str(seconds_until(retry_at))
    return response


class LoginLockoutThrottle(BaseThrottle):
    """DRF side of the lockout: a locked account or address gets 429 before its request is
    handled, with the time the lock lifts."""

    what = "login"

    def allow_request(self, request, view) -> bool:
        data = request.data if hasattr(request.data, "get") else {}
        self.credentials = {"email": login_username(request, data)}
        if not login_is_locked(request, username=self.credentials["email"]):
            return True
        self.retry = login_retry_at(request, self.credentials)
        return False

    def wait(self) -> float:
        return seconds_until(self.retry)


# --- atomic attempt counters ----------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    period: timedelta


def _counter_key(scope: str, ident: str) -> str:
    # Hashed: idents may be long or personal (addresses); the table needs neither.
    return f"{scope}:{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:40]}"


def attempt_count(*, limit: Limit, ident: str, now: datetime | None = None) -> tuple[int, datetime]:
    """Count one attempt at `now` (default: the clock); return the count in that moment's
    window, and when the window ends.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35): the database
    increments, so parallel requests in any number of workers each get their own number."""
    seconds = max(1, int(limit.period.total_seconds()))
    now = now or timezone.now()
    window = int(now.timestamp()) // seconds
    ends = datetime.fromtimestamp((window + 1) * seconds, tz=UTC)
    q = connection.ops.quote_name
    table, key, win, count, expires = (
        q(name) for name in (AttemptCounter._meta.db_table, "key", "window", "count", "expires_at")
    )
    sql = (
        f"INSERT INTO {table} ({key}, {win}, {count}, {expires}) VALUES (%s, %s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key}, {win}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                _counter_key(limit.scope, ident),
                window,
                connection.ops.adapt_datetimefield_value(ends),
            ],
        )
        count = cursor.fetchone()[0]
        if count == 1:
            # A new window started somewhere: drop the windows that are over.
            AttemptCounter.objects.filter(expires_at__lt=now).delete()
    return count, ends


def attempts_check(checks: list[tuple[Limit, str]]) -> datetime | None:
    """Count one attempt against each (limit, ident); the retry time if any is now over its
    limit, else None. Counted before the guarded action runs, so that no more than `limit`
    actions run in a window, however many requests arrive at once."""
    retry_at = None
    for limit, ident in checks:
        count, ends = attempt_count(limit=limit, ident=ident)
        if count > limit.limit:
            retry_at = ends if retry_at is None else max(retry_at, ends)
    return retry_at


class ClientRateThrottle(SimpleRateThrottle):
    """DRF's scoped rates (`throttle_scope`, DEFAULT_THROTTLE_RATES) per client address, counted
    with the atomic counters above instead of DRF's read-modify-write history in the cache."""

    what = "rate"

    def get_rate(self):
        self.scope = getattr(self.view, "throttle_scope", None)
        return super().get_rate()

    def allow_request(self, request, view) -> bool:
        self.view = view
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, duration = self.parse_rate(self.rate)
        limit = Limit(f"rate-{self.scope}", self.num_requests, timedelta(seconds=duration))
        self.retry = attempts_check([(limit, client_ip(request))])
        return self.retry is None

    def __init__(self) -> None:  # the rate depends on the view, read in allow_request
        pass

    def wait(self) -> float:
        return seconds_until(self.retry)


def attempts_purge_expired(*, now: datetime | None = None) -> int:
    """Delete sign-in failures past their cool-off and counter windows that are over.

    A failure row holds what was typed as e-mail, the address and the browser: personal data
    kept only while it can still lock someone out, even if nobody signs in again to trigger
    axes' own clean-up. Returns how many rows went."""
    now = now or timezone.now()
    failures, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME
    ).delete()
    windows, _ = AttemptCounter.objects.filter(expires_at__lt=now).delete()
    return failures + windows


# --- e-mails the forms send -----------------------------------------------------------------


def mail_to_address_allowed(email: str) -> bool:
    """Whether one more account e-mail (confirmation, sign-up notice, reset, invitation) may go
    to this address in this hour. The forms that send them answer anyone, and must answer the
    same whatever the address: past the cap the e-mail is dropped silently, so nobody can use
    Fabrique to flood a mailbox, and the page still tells nothing."""
    limit = Limit("mail-to", settings.FABRIQUE_MAILS_PER_ADDRESS_PER_HOUR, timedelta(hours=1))
    return attempts_check([(limit, email.strip().lower())]) is None


def invitations_retry_at(user: Any) -> datetime | None:
    """Count one invitation sent by this account; when it may send again if it is over its
    daily cap (an owner's account used to send mail to many addresses), else None."""
    limit = Limit("invite-by", settings.FABRIQUE_INVITATIONS_PER_USER_PER_DAY, timedelta(days=1))
    return attempts_check([(limit, str(user.pk))])
