"""The English catalogue: French by default, English through the switcher, catalogue complete."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """A minimal .po reader (no gettext tools on a fresh machine): entries with flags and strings."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr"][key] += value
            else:
                entry[key] += value
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr["):
                key = int(keyword[7:-1])
                entry["msgstr"][key] = value
            elif keyword == "msgstr":
                key = 0
                entry["msgstr"][0] = value
            else:
                key = keyword
                entry[key] = value
    return [e for e in entries if "msgid" in e]


def test_catalogue_is_complete_and_compiled():
    entries = read_po(LOCALE_DIR / "django.po")
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 200
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not [e["msgid"] for e in messages if not all(e["msgstr"].values())]
    # The committed .mo is compiled from this very .po (a fresh machine has no msgfmt).
    with (LOCALE_DIR / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for e in messages:
        if "msgid_plural" in e:
            assert catalog.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr"][0]
            assert catalog.ngettext(e["msgid"], e["msgid_plural"], 5) == e["msgstr"][1]
        else:
            assert catalog.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]


@pytest.mark.django_db
def test_home_is_in_french_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert "Espaces publics" in html
    assert "Aller au contenu" in html


@pytest.mark.django_db
def test_language_switcher_turns_the_site_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Public workspaces" in html
    assert "Espaces publics" not in html
    assert "Skip to content" in html
    assert "Aller au contenu" not in html


@pytest.mark.django_db
def test_browser_language_is_honoured(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Public workspaces" in html
    assert "Skip to content" in html


@pytest.mark.django_db
def test_english_plural_forms(client):
    from django.utils import translation

    with translation.override("en"):
        one = translation.ngettext(
            "S'engage à répondre sous %(days)s jour.",
            "S'engage à répondre sous %(days)s jours.",
            1,
        )
        many = translation.ngettext(
            "S'engage à répondre sous %(days)s jour.",
            "S'engage à répondre sous %(days)s jours.",
            3,
        )
    assert one % {"days": 1} == "Commits to replying within 1 day."
    assert many % {"days": 3} == "Commits to replying within 3 days."
