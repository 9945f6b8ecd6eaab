"""The web's small parts on their own: date words, initials, charts, the throttle's rule,
local addresses, safe redirects, validation messages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rapport.domain.login_throttle import Rule, seconds
from rapport.web import charts
from rapport.web.errors import describe_validation
from rapport.web.pages.auth import safe_next
from rapport.web.security import is_local
from rapport.web.templating import _initials, env

TODAY = dt.date(2026, 11, 23)


def test_ago_in_words() -> None:
    """The pages' `ago` filter: the domain's words, from the page's today and zone."""
    ago = env.from_string("{{ when | ago }}")
    london, tokyo = ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
    assert ago.render(when=None, today=TODAY, tz=london) == "never"
    assert ago.render(when=dt.date(2026, 11, 24), today=TODAY, tz=london) == "tomorrow"
    assert ago.render(when=dt.date(2026, 10, 1), today=TODAY, tz=london) == "7 weeks ago"
    late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert ago.render(when=late, today=TODAY, tz=london) == "yesterday"
    assert ago.render(when=late, today=TODAY, tz=tokyo) == "today"


def test_initials() -> None:
    assert _initials("Ana Lima") == "AL"
    assert _initials("王芳") == "王"
    assert _initials("Jean-Luc Picard") == "JP"
    assert _initials("") == "?"


def test_charts_escape_labels_and_handle_nothing() -> None:
    svg = charts.bars([("<script>alert(1)</script>", 3), ("b", 0)], label="x")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Nothing to show yet" in charts.columns([], label="x")
    assert "Nothing to show yet" in charts.paired([], label="x", first="a", second="b")
    assert 'aria-label="health 40 of 100"' in charts.meter(40)
    assert "meter-low" in charts.meter(10) and "meter-high" in charts.meter(90)


def test_throttle_rules_double_the_wait_after_the_free_tries() -> None:
    rule = Rule(3, dt.timedelta(hours=1), dt.timedelta(seconds=2), dt.timedelta(seconds=60))
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    assert rule.wait(2, now, now) == dt.timedelta(0)
    assert rule.wait(3, now, now) == dt.timedelta(seconds=2)
    assert rule.wait(4, now, now) == dt.timedelta(seconds=4)
    assert rule.wait(40, now, now) == dt.timedelta(seconds=60)  # never past the longest
    assert rule.wait(4, now - dt.timedelta(seconds=3), now) == dt.timedelta(seconds=1)
    assert rule.wait(4, now - dt.timedelta(seconds=5), now) == dt.timedelta(0)
    assert seconds(dt.timedelta(seconds=0.2)) == 1 and seconds(dt.timedelta(0)) == 0


def test_local_addresses_and_safe_next() -> None:
    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert not is_local("203.0.113.7") and not is_local(None) and not is_local("testclient")
    assert safe_next("/people?tag=x") == "/people?tag=x"
    for target in ("//evil.example", "https://evil.example", "/\\evil", "", None):
        assert safe_next(target) == "/"


def test_validation_messages_name_the_field() -> None:
    assert describe_validation(
        [{"type": "missing", "loc": ("body", "full_name"), "msg": "Field required"}]
    ) == ("full_name: field required", "full_name")
    assert describe_validation(
        [
            {
                "type": "json_invalid",
                "loc": ("body", 7),
                "msg": "JSON decode error",
                "ctx": {"error": "Expecting value"},
            }
        ]
    ) == ("the request body is not valid JSON: Expecting value (at character 7)", "body")
    assert (
        describe_validation(
            [
                {
                    "type": "int_parsing",
                    "loc": ("query", "limit"),
                    "msg": "Input should be a valid integer",
                }
            ]
        )[1]
        == "limit"
    )
