"""Brute force: every way to try a password (login page, admin login, API token endpoint,
share-link passwords) is limited per account (or link) and per client address, answers 429 with
the time to retry, and counts atomically under parallel requests."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F, Sum
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AttemptCounter, PlatformRole
from accounts.throttling import ClientRateThrottle
from documents.models import ShareLink
from documents.services import document_create, share_link_create
from workspace.models import Role

from ..conftest import client_for
from ..factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

LIMIT = 5  # FABRIQUE_LOGIN_FAILURE_LIMIT's default
IP_LIMIT = 20  # FABRIQUE_LOGIN_IP_FAILURE_LIMIT's default
WRONG = "pas-le-bon-mot-de-passe"

ENTRY_POINTS = ["web", "admin", "api"]


def attempt(entry: str, email: str, password: str, ip: str = "10.0.0.1"):
    """One sign-in through an entry point, from an address; the response."""
    if entry == "api":
        return APIClient(REMOTE_ADDR=ip).post(
            "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
        )
    path = "/comptes/connexion/" if entry == "web" else "/admin/login/"
    return Client(REMOTE_ADDR=ip).post(path, {"username": email, "password": password})


def succeeded(entry: str, response) -> bool:
    return response.status_code == (200 if entry == "api" else 302)


def refused_as_wrong(entry: str, response) -> bool:
    return response.status_code == (400 if entry == "api" else 200)


def assert_locked(entry: str, response) -> None:
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 0 < retry <= 15 * 60
    text = response.json()["detail"] if entry == "api" else response.content.decode()
    assert "Trop de tentatives de connexion infructueuses" in text
    assert "Réessayez à partir de" in text
    if entry == "api":
        assert response.json()["code"] == "throttled"
    else:
        # The sign-in page itself comes back, ready for the retry.
        assert 'name="password"' in text


def staff_user():
    # Admin login accepts staff only; the others behave alike for the web and the API.
    return UserFactory(platform_role=PlatformRole.STAFF, is_staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_account_locks_after_limit_even_with_the_right_password(entry):
    """GIVEN an account WHEN LIMIT wrong passwords are tried (from rotating addresses)
    THEN the next try answers 429 with the retry time, even with the right password,
    and another account is not affected."""
    victim, other = staff_user(), staff_user()
    for n in range(LIMIT - 1):
        assert refused_as_wrong(entry, attempt(entry, victim.email, WRONG, ip=f"10.1.0.{n}"))
    # The failure that reaches the limit already says so.
    assert_locked(entry, attempt(entry, victim.email, WRONG, ip="10.1.1.1"))
    assert_locked(entry, attempt(entry, victim.email, PASSWORD, ip="10.1.1.2"))
    assert succeeded(entry, attempt(entry, other.email, PASSWORD, ip="10.1.1.3"))


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_address_locks_after_ip_limit_across_accounts(entry):
    """Password spraying: one address trying one password on many accounts is stopped at the
    address limit, while the same accounts still open from elsewhere."""
    accounts = [staff_user() for _ in range(IP_LIMIT)]
    responses = [attempt(entry, user.email, WRONG, ip="10.2.0.1") for user in accounts]
    assert all(refused_as_wrong(entry, r) for r in responses[:-1])
    assert_locked(entry, responses[-1])
    fresh = staff_user()
    assert_locked(entry, attempt(entry, fresh.email, PASSWORD, ip="10.2.0.1"))
    assert succeeded(entry, attempt(entry, fresh.email, PASSWORD, ip="10.2.0.2"))


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_case_and_spaces_do_not_make_a_new_account_counter(entry):
    victim = staff_user()
    variants = [victim.email.upper(), f"  {victim.email}", victim.email.title(), victim.email]
    for n in range(LIMIT - 1):
        attempt(entry, variants[n % len(variants)], WRONG, ip=f"10.3.0.{n}")
    assert_locked(entry, attempt(entry, victim.email.upper(), WRONG, ip="10.3.1.1"))


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_lock_lifts_after_the_cooloff(entry):
    victim = staff_user()
    for n in range(LIMIT):
        attempt(entry, victim.email, WRONG, ip=f"10.4.0.{n}")
    assert_locked(entry, attempt(entry, victim.email, PASSWORD))
    # The retry time is a promise: further tries during the lock do not push it back.
    before = AccessAttempt.objects.aggregate(Sum("failures_since_start"))
    assert_locked(entry, attempt(entry, victim.email, WRONG))
    assert AccessAttempt.objects.aggregate(Sum("failures_since_start")) == before
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))
    assert succeeded(entry, attempt(entry, victim.email, PASSWORD))


@pytest.mark.django_db
@override_settings(FABRIQUE_LOGIN_FAILURE_LIMIT=3, AXES_FAILURE_LIMIT=3)
def test_limits_come_from_settings():
    victim = staff_user()
    for n in range(2):
        assert attempt("api", victim.email, WRONG, ip=f"10.5.0.{n}").status_code == 400
    assert attempt("api", victim.email, WRONG, ip="10.5.0.9").status_code == 429


@pytest.mark.django_db
def test_own_sign_in_does_not_reset_the_address_counter():
    """An attacker with an account of their own signs in between guesses: the address's
    failures on other accounts are kept, so the spraying still stops at the address limit."""
    attacker = UserFactory()
    victims = [UserFactory() for _ in range(IP_LIMIT)]
    for n, victim in enumerate(victims[:-1]):
        assert attempt("api", victim.email, WRONG, ip="10.6.0.1").status_code == 400
        if n % 5 == 4:
            assert attempt("api", attacker.email, PASSWORD, ip="10.6.0.1").status_code == 200
    assert attempt("api", victims[-1].email, WRONG, ip="10.6.0.1").status_code == 429


@pytest.mark.django_db
def test_successful_sign_in_forgets_own_typos_from_that_address():
    user = UserFactory()
    for _ in range(LIMIT - 1):
        attempt("web", user.email, WRONG)
    assert succeeded("web", attempt("web", user.email, PASSWORD))
    # Typos again later do not lock at the first one.
    for _ in range(LIMIT - 1):
        assert refused_as_wrong("web", attempt("web", user.email, WRONG))


@pytest.mark.django_db
def test_api_lockout_answer_shape_in_english():
    victim = UserFactory()
    for n in range(LIMIT):
        attempt("api", victim.email, WRONG, ip=f"10.7.0.{n}")
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/", {"email": victim.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-in attempts.")
    assert "Retry-After" in response


@pytest.mark.django_db
def test_token_endpoint_request_rate_per_address(monkeypatch):
    """Requests that never reach a password check (malformed ones) are limited too."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    client = APIClient(REMOTE_ADDR="10.8.0.1")
    codes = [
        client.post("/api/v1/auth/token/", {"email": "pas-une-adresse"}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    other = APIClient(REMOTE_ADDR="10.8.0.2")
    assert other.post("/api/v1/auth/token/", {}, format="json").status_code == 400


@pytest.mark.django_db
def test_long_or_odd_identifiers_never_answer_500():
    for email in ["a" * 300 + "@example.org", "x@" + "b" * 300 + ".org"]:
        for entry in ENTRY_POINTS:
            response = attempt(entry, email, WRONG)
            assert response.status_code < 500


# --- concurrency -------------------------------------------------------------------------


def _parallel(n_requests: int, workers: int, send):
    barrier = threading.Barrier(workers)

    def run(i):
        if i < workers:
            barrier.wait()
        try:
            return send(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(n_requests)))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("entry", ["api", "web"])
def test_parallel_failures_are_all_counted(entry, monkeypatch):
    """GIVEN 4 requests at a time (like 4 gunicorn workers) WHEN 40 wrong passwords arrive
    THEN every password that was checked is counted (the counter is atomic: no lost update),
    and no more than LIMIT + 3 were checked (each of the 4 in flight may have passed the gate
    before the others' failures landed); all the others are refused unchecked."""
    checked = []
    lock = threading.Lock()
    original = ModelBackend.authenticate

    def counting(self, request, *args, **kwargs):
        with lock:
            checked.append(1)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    victim = UserFactory()
    workers = 4
    responses = _parallel(
        40, workers, lambda i: attempt(entry, victim.email, WRONG, ip=f"10.9.{i}.1")
    )
    counted = AccessAttempt.objects.filter(username=victim.email).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    assert counted == len(checked)
    assert LIMIT <= len(checked) <= LIMIT + workers - 1
    wrong = sum(1 for r in responses if refused_as_wrong(entry, r))
    assert wrong <= LIMIT - 1
    assert [r.status_code for r in responses].count(429) == 40 - wrong
    assert_locked(entry, attempt(entry, victim.email, PASSWORD))


# --- share links -------------------------------------------------------------------------


def _shared_document(password: str = "velo-strasbourg-2026"):
    workspace = WorkspaceFactory(visibility="private")
    editor = MembershipFactory(workspace=workspace, role=Role.EDITOR).user
    document = document_create(
        actor=editor,
        workspace=workspace,
        file=ContentFile(b"secret", name="secret.txt"),
        name="secret.txt",
        visibility="members",
    )
    link, token = share_link_create(
        actor=editor,
        document=document,
        expires_at=timezone.now() + timedelta(days=1),
        password=password,
    )
    return document, link, token, editor


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("", True),
        ("a", False),
        ("1234567", False),
        ("   1234567   ", False),  # trimmed like every field: 7 characters
        ("12345678", True),
        ("une phrase", True),
    ],
)
def test_share_link_password_minimum_length_everywhere(password, accepted):
    """The service, the API (400 field error) and the page's form all apply the minimum."""
    document, _link, _token, editor = _shared_document()
    before = ShareLink.objects.count()
    response = client_for(editor).post(
        f"/api/v1/documents/{document.pk}/share-links/",
        {"expires_at": (timezone.now() + timedelta(days=2)).isoformat(), "password": password},
        format="json",
    )
    if accepted:
        assert response.status_code == 201
    else:
        assert response.status_code == 400
        assert response.json()["password"] == [
            "Le mot de passe d'un lien doit compter au moins 8 caractères."
        ]
    web = Client()
    web.force_login(editor)
    page = web.post(
        f"/documents/{document.pk}/liens/",
        {
            "expires_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "password": password,
        },
        follow=True,
    )
    assert ("au moins 8 caractères" in page.content.decode()) is not accepted or (
        # Accepted: the page shows the new link, and the help text only.
        "Lien de partage créé" in page.content.decode()
    )
    assert ShareLink.objects.count() == before + (2 if accepted else 0)


@pytest.mark.django_db
def test_share_link_minimum_in_the_service():
    from documents.errors import DocumentError

    with pytest.raises(DocumentError) as error:
        _shared_document(password="court")
    assert error.value.extra == {"field": "password"}


def _try(token: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(f"/documents/partage/{token}/", {"password": password})


@pytest.mark.django_db
def test_share_link_attempts_limited_per_link():
    """Tries from many addresses: past 20 for the link, even the right password waits."""
    _document, _link, token, _editor = _shared_document()
    codes = [_try(token, f"essai-{n}", f"10.10.{n}.1").status_code for n in range(20)]
    assert codes == [403] * 20
    locked = _try(token, "velo-strasbourg-2026", "10.10.99.1")
    assert locked.status_code == 429
    assert "Trop de mots de passe essayés pour ce lien." in locked.content.decode()
    assert "Réessayez à partir de" in locked.content.decode()
    assert 0 < int(locked["Retry-After"]) <= 15 * 60


@pytest.mark.django_db
def test_share_link_attempts_limited_per_address_across_links():
    links = [_shared_document()[2] for _ in range(11)]
    codes = [_try(token, "mauvais-mot", "10.11.0.1").status_code for token in links]
    assert codes == [403] * 10 + [429]
    # Another address still gets in with the right password.
    assert _try(links[-1], "velo-strasbourg-2026", "10.11.0.2").status_code == 302


@pytest.mark.django_db
def test_share_link_window_ends_and_tries_start_again():
    _document, _link, token, _editor = _shared_document()
    for n in range(10):
        _try(token, "mauvais-mot", "10.12.0.1")
    assert _try(token, "velo-strasbourg-2026", "10.12.0.1").status_code == 429
    AttemptCounter.objects.update(window=F("window") - 10**6)
    assert _try(token, "velo-strasbourg-2026", "10.12.0.1").status_code == 302


@pytest.mark.django_db
def test_link_without_password_is_not_counted():
    _document, _link, token, _editor = _shared_document(password="")
    for _ in range(30):
        assert (
            Client(REMOTE_ADDR="10.13.0.1").get(f"/documents/partage/{token}/").status_code == 200
        )
    assert not AttemptCounter.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_share_link_tries_never_exceed_the_limit():
    """GIVEN 8 requests at a time from 60 addresses WHEN 60 wrong passwords arrive on one
    link THEN exactly 20 passwords are checked (403), the rest wait (429): the counter is
    incremented by the database before the check."""
    _document, link, token, _editor = _shared_document()
    responses = _parallel(60, 8, lambda i: _try(token, f"essai-{i}", f"10.14.{i}.1"))
    codes = [r.status_code for r in responses]
    assert codes.count(403) == 20
    assert codes.count(429) == 40
    assert sum(AttemptCounter.objects.values_list("count", flat=True)) == 60 * 2


@pytest.mark.django_db
def test_expired_failures_are_purged_by_the_worker_even_if_nobody_signs_in_again():
    """GIVEN failed sign-ins, one past the cool-off and one recent WHEN the worker's periodic job
    runs THEN the expired row (typed e-mail, address, browser: personal data) is gone and the
    recent one, which may still lock someone out, stays."""
    from background.periodic import periodic_jobs

    victim, other = UserFactory(), UserFactory()
    for n in range(2):
        attempt("web", victim.email, WRONG, ip=f"10.9.0.{n}")
    attempt("web", other.email, WRONG, ip="10.9.1.1")
    AccessAttempt.objects.filter(username=victim.email).update(
        attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1)
    )
    (job,) = [j for j in periodic_jobs() if j.name == "login_attempts_purge_expired"]
    assert job.func() >= 2
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {other.email}
