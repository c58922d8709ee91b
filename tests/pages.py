"""A page as a signed-in person sees it, for tests that read the rendered HTML."""

from django.test import Client


def page_html(user, url: str) -> str:
    """GET `url` signed in as `user`; the page must answer 200."""
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
