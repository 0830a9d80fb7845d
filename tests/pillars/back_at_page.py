"""A decision posted to a URL of its own that fails: the browser is sent back to the page the form is on, a page that
answers GET, opened at the error summary with what was typed kept; shown once."""

from __future__ import annotations

from django.test import Client


def followed_back(client: Client, response, page: str) -> str:
    """The page ``response`` sends the browser back to, as the browser gets it; asserts where and how it opens."""
    assert response.status_code == 302
    assert response.headers["Location"] == f"{page}#error-summary"
    landed = client.get(page)
    assert landed.status_code == 200
    body = landed.content.decode()
    main = body[body.index('<main id="main"') :]
    # The summary comes first in the page's content, before the page's title, and takes the focus.
    assert main.index('id="error-summary"') < main.index("<h1")
    tag = summary_tag(body)
    assert 'role="alert"' in tag
    assert "autofocus" in tag
    assert 'tabindex="-1"' in tag
    # Shown once: a reload shows the page as it is.
    assert 'id="error-summary"' not in client.get(page).content.decode()
    return body


def summary_tag(body: str) -> str:
    at = body.index('id="error-summary"')
    return body[body.rindex("<div", 0, at) : body.index(">", at) + 1]


def summary_of(body: str) -> str:
    start = body.index('id="error-summary"')
    return body[start : body.index("</ul>", start)]
