"""Suggested messages for agenda items, rendered from editable Jinja2 templates.

Each template gets: `first` (their first name), `me` (the user's name), `reason`
(the agenda's line), `last` (the last conversation's summary), `last_notes`,
`event`, `note` (what the user noted on meeting them: for the user, so the built-in
templates leave it out), `favour`, `promise`, `milestone`, `role`, `interests`. The first line of
a rendered template is the subject; the rest is the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from rapport.errors import Invalid

DEFAULT_TEMPLATES: Mapping[str, str] = {
    "keep-in-touch": """\
Catching up
Hi {{ first }},

{% if last %}I was thinking back to our conversation about {{ last }}{% else %}It has been a while{% endif %} and wanted to see how things are going on your side.{% if interests %} Anything new with {{ interests }}?{% endif %}

No agenda — just good to stay in touch. Would you be up for a quick call or coffee in the next few weeks?

Best,
{{ me }}""",
    "follow-up": """\
Great to meet you{% if event %} at {{ event }}{% endif %}
Hi {{ first }},

It was great meeting you{% if event %} at {{ event }}{% endif %}, and I enjoyed our conversation. I'd love to stay in touch — let me know if there is anything I can help with.

Best,
{{ me }}""",
    "thanks": """\
Thank you
Hi {{ first }},

Thank you for {{ favour }}. It made a real difference, and I'm grateful you took the time. If I can ever return the favour, just say the word.

Warmly,
{{ me }}""",
    "milestone": """\
{% if kind == 'birthday' %}Happy birthday!{% else %}Congratulations!{% endif %}
Hi {{ first }},

{% if kind == 'birthday' %}Happy birthday! I hope the year ahead is a great one.{% else %}Congratulations on your {{ milestone }}! Well deserved.{% endif %}

Best,
{{ me }}""",
    "role-change": """\
Congratulations on the new role
Hi {{ first }},

I just saw the news: {{ role }}. Congratulations! How are the first weeks going? I'd love to hear about it.

Best,
{{ me }}""",
    "promise": """\
{{ promise | capitalize }}
Hi {{ first }},

I promised to {{ promise }}{% if overdue %}, and I'm sorry it took longer than I said{% endif %}. Here it is — let me know if anything is missing or if I can help further.

Best,
{{ me }}""",
    "nudge": """\
Checking in
Hi {{ first }},

Hope all is well! Just checking in on {{ promise }} — no rush, and let me know if there is anything I can do to help.

Best,
{{ me }}""",
    "strained": """\
Could we talk?
Hi {{ first }},

I've been thinking about {% if context %}{{ context }}{% else %}how things went between us{% endif %}, and I'd value the chance to talk it through and hear your side. Would you have time for a coffee soon?

Best,
{{ me }}""",
    "mentoring": """\
Our next session
Hi {{ first }},

Could we book our next session? {% if goals %}I'd like to pick up on {{ goals }}.{% endif %} A few times that work for me this week or next — let me know what suits you.

Best,
{{ me }}""",
    "feedback": """\
Following up on your feedback
Hi {{ first }},

Thank you again for your feedback. I've been working on it: {{ promise }}. I'd welcome your thoughts on whether it's moving in the right direction.

Best,
{{ me }}""",
}

_ENV = SandboxedEnvironment(autoescape=False, undefined=Undefined, keep_trailing_newline=False)


def check(source: str, kind: str) -> None:
    """Invalid when a user's template cannot be compiled."""
    try:
        _ENV.from_string(source)
    except TemplateSyntaxError as exc:
        raise Invalid("template", f"{kind}: line {exc.lineno}: {exc.message}") from exc


def render(source: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of a template filled with `values`."""
    try:
        text = _ENV.from_string(source).render(**values)
    except TemplateSyntaxError as exc:
        raise Invalid("template", f"line {exc.lineno}: {exc.message}") from exc
    except Exception as exc:  # a user's template failing at render time: say so, don't crash
        raise Invalid("template", f"cannot render: {exc}") from exc
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()
