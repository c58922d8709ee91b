"""The reads the pages and the API share: what a debate's count and its lists hold, and that
their queries do not grow with the debate."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates.models import Comment
from debates.selectors import comment_list, comment_threads, debate_list_visible
from debates.services import comment_delete, comment_moderation_show
from territories.models import Theme

from .factories import comment, debate

pytestmark = pytest.mark.django_db


def _hide(c):
    return comment_moderation_show(comment=c, hidden=True, reason="Hors sujet.", rule="2")


def test_comments_count_takes_visible_and_hidden_not_deleted_nor_other_debates():
    themes = list(Theme.objects.order_by("pk")[:2])
    counted = debate(themes=themes)  # two themes: a join on them must not double the count
    other = debate(themes=themes[:1])
    empty = debate(themes=themes[1:])
    kept = comment(counted)
    _hide(comment(counted))
    gone = comment(counted)
    comment_delete(actor=gone.author, comment=gone)
    placeholder = comment(counted)
    comment(counted, parent=placeholder)
    comment_delete(actor=placeholder.author, comment=placeholder)
    comment(other)
    assert kept.state == Comment.State.VISIBLE

    counts = {d.pk: d.comments_count for d in debate_list_visible(user=None)}
    # kept, the hidden one and the reply; deleted messages are not counted (not even the
    # placeholder, whose place shows but whose message is gone).
    assert counts == {counted.pk: 3, other.pk: 1, empty.pk: 0}
    filtered = {
        d.pk: d.comments_count for d in debate_list_visible(user=None, theme=themes[0].slug)
    }
    assert filtered == {counted.pk: 3, other.pk: 1}


def test_deleted_messages_stay_as_placeholders_of_their_replies_only():
    d = debate()
    lonely = comment(d)
    comment_delete(actor=lonely.author, comment=lonely)
    parent = comment(d)
    reply = comment(d, parent=parent)
    comment_delete(actor=parent.author, comment=parent)
    deleted_reply_parent = comment(d)
    deleted_reply = comment(d, parent=deleted_reply_parent)
    comment_delete(actor=deleted_reply.author, comment=deleted_reply)

    assert [c.pk for c in comment_list(d)] == [parent.pk, reply.pk, deleted_reply_parent.pk]
    threads = list(comment_threads(d))
    assert [t.pk for t in threads] == [parent.pk, deleted_reply_parent.pk]
    assert [[r.pk for r in t.replies.all()] for t in threads] == [[reply.pk], []]


def _list_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        for d in debate_list_visible(user=None):
            d.comments_count, [t.slug for t in d.themes.all()]
    return len(ctx.captured_queries)


def test_the_debates_list_costs_the_same_queries_with_more_debates_and_comments():
    first = debate()
    comment(first)
    before = _list_queries()
    for _ in range(3):
        more = debate()
        for _ in range(3):
            comment(more)
    assert _list_queries() == before
