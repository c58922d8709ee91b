"""Hostile input on the officials' pages and API: never an error, never a private detail."""

from __future__ import annotations

import pytest

from ..conftest import client_for
from ..factories import UserFactory
from .factories import official, page, send

pytestmark = pytest.mark.django_db


def test_hostile_addresses_and_parameters_answer_without_error():
    profile = official()
    request = send(profile)
    stranger = UserFactory()
    for who in (None, stranger, profile.user):
        for path in [
            "/elus/?territory=" + "x" * 5000,
            "/elus/?theme=%27%22%3E%3Cscript%3E&page=-1",
            "/elus/?page=99999999999999999999",
            "/elus/qui-contacter/?fiche=99999999999999999999999&territory=strasbourg",
            "/elus/demandes/%3Cscript%3E/",
            "/elus/demandes/" + "D" * 300 + "/",
            "/elus/boite/?flag=%27;DROP",
            "/elus/999999999999/",
            f"/elus/{profile.user_id}/ecrire/?fiche=-1",
            "/api/v1/officials/?territory=%00",
            "/api/v1/requests/?box=inbox&flag=x",
            f"/api/v1/requests/{request.pk}/",
        ]:
            response = page(who, path)
            assert response.status_code < 500, (path, response.status_code)
            if who is not profile.user and who is not None:
                assert request.subject not in response.text or "/ecrire/" in path, path
    nested = {"subject": {"a": [1, {"b": 2}]}, "body": ["x"] * 1000, "public": {"x": 1}}
    response = client_for(stranger).post(
        f"/api/v1/officials/{profile.user_id}/requests/", nested, format="json"
    )
    assert response.status_code == 400


def test_an_unknown_step_or_a_stranger_posting_changes_nothing():
    profile = official()
    request = send(profile)
    url = request.get_absolute_url()
    assert page(profile.user, url, "post", {"step": "explode"}).status_code == 400
    assert (
        page(UserFactory(), url, "post", {"step": "answer", "answer-body": "x"}).status_code == 404
    )
    assert page(None, url, "post", {"step": "answer", "answer-body": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.state == "acknowledged" and request.answer_text == ""
