"""The built-in message templates, one per kind of agenda reason (Jinja2; the variables
are listed in `rapport.domain.drafts`). Each has a few variants, picked by `variant`,
so ten follow-ups after one event do not read the same."""

from __future__ import annotations

from collections.abc import Mapping

_THANKS_CLOSE = """{% if variant == 1 %}I really appreciate you taking the time.{% elif variant == 2 %}It meant a lot, and I won't forget it.{% else %}It made a real difference, and I'm grateful you took the time.{% endif %} If I can ever return the favour, just say the word."""

DEFAULT_TEMPLATES: Mapping[str, str] = {
    "keep-in-touch": """\
{% if variant == 1 %}Checking in{% elif variant == 2 %}How are things?{% else %}Catching up{% endif %}
Hi {{ first }},

{% if last_topic %}I was thinking back to {{ last_topic }} and wanted to see{% elif variant == 1 %}I realised we haven't spoken in a while and wanted to see{% else %}It has been a while, and I wanted to see{% endif %} how things are going on your side.{% if interests_phrase %} Anything new with {{ interests_phrase }}?{% endif %}

{% if variant == 2 %}Nothing in particular on my end — would you be up for a call or a coffee in the next few weeks?{% else %}No agenda — just good to stay in touch. Would you be up for a quick call or coffee in the next few weeks?{% endif %}

{{ signoff }}
{{ me }}""",
    "follow-up": """\
{% if event %}{% if variant == 1 %}Following up from {{ event }}{% elif variant == 2 %}Good to meet you at {{ event }}{% else %}Great to meet you at {{ event }}{% endif %}{% else %}{% if variant == 1 %}Following up{% else %}Great to meet you{% endif %}{% endif %}
Hi {{ first }},

{% if variant == 1 %}Thanks for the conversation{% if event %} at {{ event }}{% endif %}.{% if topic %} I'd love to hear more about {{ topic }} when you have a moment.{% endif %}{% elif variant == 2 %}I'm glad we got to talk{% if event %} at {{ event }}{% endif %}.{% if topic %} What you said about {{ topic }} has stayed with me.{% endif %}{% else %}It was great meeting you{% if event %} at {{ event }}{% endif %}{% if topic %}, and I enjoyed hearing about {{ topic }}{% endif %}.{% endif %} {% if variant == 3 %}Shall we keep in touch? I'd be glad to help if anything comes up on your side.{% elif variant == 1 %}Let's keep in touch — and if I can ever be useful, just ask.{% else %}I'd love to stay in touch — let me know if there is anything I can help with.{% endif %}

{{ signoff }}
{{ me }}""",
    "thanks": """\
{% if variant == 1 %}Thank you so much{% elif variant == 2 %}Thank you!{% else %}Thank you{% endif %}
Hi {{ first }},

{% if variant == 2 %}I wanted to say thank you for {{ favour }}.{% else %}Thank you for {{ favour }}.{% endif %} """
    + _THANKS_CLOSE
    + """

{{ signoff }}
{{ me }}""",
    "milestone": """\
{% if kind == 'birthday' %}Happy birthday!{% elif milestone_phrase %}Congratulations!{% else %}Thinking of you today{% endif %}
Hi {{ first }},

{% if kind == 'birthday' %}{% if variant == 1 %}Happy birthday! I hope you get to celebrate properly.{% elif variant == 2 %}Wishing you a very happy birthday and a great year ahead.{% else %}Happy birthday! I hope the year ahead is a great one.{% endif %}{% elif milestone_phrase %}{% if variant == 1 %}Many congratulations on {{ milestone_phrase }}. That's wonderful news.{% elif variant == 2 %}I just wanted to say congratulations on {{ milestone_phrase }}!{% else %}Congratulations on {{ milestone_phrase }}! Well deserved.{% endif %}{% else %}I wanted to drop you a line today — I hope all is well.{% endif %}

{{ signoff }}
{{ me }}""",
    "role-change": """\
{% if variant == 1 %}Congratulations!{% else %}Congratulations on the new role{% endif %}
Hi {{ first }},

{% if role %}I just saw the news: {{ role }}. {% endif %}{% if variant == 1 %}Congratulations on the move! How are you settling in?{% elif variant == 2 %}Congratulations! What made you decide on it? I'd love to hear the story.{% else %}Congratulations! How are the first weeks going? I'd love to hear about it.{% endif %}

{{ signoff }}
{{ me }}""",
    "promise": """\
{{ promise_subject }}
Hi {{ first }},

{% if promised %}I promised {{ promised }}{% else %}Here is what I promised you{% endif %}{% if overdue %}, and I'm sorry it took longer than I said{% endif %}. {% if variant == 1 %}Let me know if there is anything else I can do.{% else %}Let me know if anything is missing or if I can help further.{% endif %}

{{ signoff }}
{{ me }}""",
    "nudge": """\
{% if variant == 1 %}Quick check-in{% else %}Checking in{% endif %}
Hi {{ first }},

{% if variant == 1 %}I hope things are going well.{% else %}Hope all is well!{% endif %} Just checking in on {{ their_promise or 'what we talked about last time' }} — no rush, and let me know if there is anything I can do to help.

{{ signoff }}
{{ me }}""",
    "strained": """\
Could we talk?
Hi {{ first }},

{% if variant == 1 %}I've been thinking about where things stand between us, and I want to make it right.{% else %}I've been thinking about how things went between us, and I'd value the chance to talk it through.{% endif %} I'd like to hear your side. Would you have time for a coffee soon?

{{ signoff }}
{{ me }}""",
    "mentoring": """\
{% if variant == 1 %}Booking our next session{% else %}Our next session{% endif %}
Hi {{ first }},

Could we book our next session?{% if goals_phrase %} I'd like to pick up on {{ goals_phrase }}.{% endif %} {% if variant == 1 %}I'm free most mornings this week and next — what suits you?{% else %}A few times work for me this week or next — let me know what suits you.{% endif %}

{{ signoff }}
{{ me }}""",
    "feedback": """\
{% if variant == 1 %}Thank you for your feedback{% else %}Following up on your feedback{% endif %}
Hi {{ first }},

Thank you again for your feedback. {% if variant == 1 %}I took it to heart and have been making changes since.{% else %}I've been working on it since we spoke.{% endif %} I'd welcome your thoughts on whether it's moving in the right direction.

{{ signoff }}
{{ me }}""",
    "prepare": """\
{% if meeting %}{{ meeting }}: {{ meeting_when }}{% else %}See you {{ meeting_when }}{% endif %}
Hi {{ first }},

{% if variant == 1 %}Just confirming we're on for {{ meeting_when }} — looking forward to it.{% elif video %}Looking forward to our call {{ meeting_when }}.{% else %}Looking forward to seeing you {{ meeting_when }}.{% endif %} Is there anything you'd like me to read or bring beforehand?{% if last_topic %} I'd also love to hear how things have moved on since {{ last_topic }}.{% endif %}

{{ signoff }}
{{ me }}""",
}

SIGNOFFS = ("Best,", "All the best,", "Best wishes,", "Warm regards,")
VARIANTS = 4
