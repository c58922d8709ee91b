"""Account forms: no Django "---------" placeholder, typed and autocompleted personal fields."""

import pytest
from django.test import Client

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signup_and_profile_have_no_dashes():
    assert "---------" not in Client().get("/comptes/inscription/").content.decode()
    client = Client()
    client.force_login(UserFactory())
    html = client.get("/comptes/profil/").content.decode()
    assert "---------" not in html
    assert "— aucune —" in html


def test_personal_fields_carry_type_and_autocomplete():
    signup = Client().get("/comptes/inscription/").content.decode()
    assert 'type="email" name="email"' in signup
    assert 'autocomplete="email"' in signup
    assert 'name="display_name"' in signup and 'autocomplete="nickname"' in signup
    assert signup.count('autocomplete="new-password"') == 2
    login = Client().get("/comptes/connexion/").content.decode()
    assert 'autocomplete="current-password"' in login
    client = Client()
    client.force_login(UserFactory())
    profile = client.get("/comptes/profil/").content.decode()
    assert 'autocomplete="nickname"' in profile
    change = client.get("/comptes/profil/mot-de-passe/").content.decode()
    assert 'autocomplete="current-password"' in change
    assert 'autocomplete="new-password"' in change
