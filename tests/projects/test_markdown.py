"""Hostile Markdown is rendered harmless: no script, handler, style, frame or unsafe link."""

import pytest
from django.template import Context, Template

from projects.markdown import render_markdown

HOSTILE = [
    ("<script>alert('x')</script>", ["<script", "alert("]),
    ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
    ("[clic](javascript:alert(1))", ["javascript:"]),
    ('<a href="JaVaScRiPt:alert(1)">clic</a>', ["javascript:", "JaVaScRiPt"]),
    ('<a href="java\tscript:alert(1)">clic</a>', ["script:"]),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["data:"]),
    ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
    ("<style>body{display:none}</style>texte", ["<style", "display:none"]),
    ('<p style="position:fixed" onclick="steal()">x</p>', ["style=", "onclick", "steal"]),
    ('<svg onload="alert(1)"><circle/></svg>', ["<svg", "onload"]),
    ('<object data="x.swf"></object><embed src="y">', ["<object", "<embed"]),
    ('<form action="https://evil"><input name="p"></form>', ["<form", "<input"]),
    ("<math><mi xlink:href='javascript:alert(1)'>x</mi></math>", ["javascript", "<math"]),
]


@pytest.mark.parametrize(("source", "forbidden"), HOSTILE)
def test_hostile_markdown_is_neutralised(source, forbidden):
    html = str(render_markdown(f"Avant\n\n{source}\n\nAprès"))
    for needle in forbidden:
        assert needle.lower() not in html.lower(), html
    assert "Avant" in html and "Après" in html


def test_safe_markdown_survives_with_safe_links():
    html = str(
        render_markdown(
            "# Titre\n\n**gras** et *italique*\n\n- un\n- deux\n\n"
            "[site](https://www.strasbourg.eu) [écrire](mailto:contact@example.org)"
        )
    )
    assert "<h3>Titre</h3>" in html  # under the page's h1 and the section's h2
    assert "<strong>gras</strong>" in html and "<li>un</li>" in html
    assert 'href="https://www.strasbourg.eu"' in html
    assert 'href="mailto:contact@example.org"' in html
    assert html.count('rel="noopener noreferrer nofollow"') == 2


def test_template_filter_renders_sanitised_html():
    out = Template("{% load projects_tags %}{{ text|render_markdown }}").render(
        Context({"text": "**ok** <script>x()</script>"})
    )
    assert "<strong>ok</strong>" in out
    assert "<script" not in out


def test_writers_headings_nest_under_the_section_heading():
    """Rendered Markdown sits under an h2 of the page (Description, a section, the framing): the
    writer's top headings are h3, each level under them one deeper (capped at h6), never
    skipping a level whether they started at "#" or "##"; raw HTML headings alike; no h1 or h2
    can come out of a writer's text (issue 11, item 7; axe's heading-order)."""
    html = str(
        render_markdown(
            "# Un\n\n## Deux\n\n#### Quatre\n\n###### Six\n\n"
            "<h1>brut</h1><H2 id=x>brut2</H2><h2\n>brut3</h2>"
        )
    )
    assert "<h3>Un</h3>" in html and "<h4>Deux</h4>" in html
    assert "<h5>Quatre</h5>" in html and "<h6>Six</h6>" in html
    assert "<h3>brut</h3>" in html and "<h4>brut2</h4>" in html and "<h4>brut3</h4>" in html
    assert "<h1" not in html.lower() and "<h2" not in html.lower()
    # A writer who starts at "##" and skips to "####" still gets h3 then h4; a later "##" is
    # an h3 again.
    html = str(render_markdown("## Contexte\n\n#### Détail\n\n## Suite"))
    assert html.split() == ["<h3>Contexte</h3>", "<h4>Détail</h4>", "<h3>Suite</h3>"]
