"""The Settings page's data: time zone, own email addresses, keep-in-touch rhythm per
relationship type, the agenda's delays and windows, and the draft templates, kept in
the workspace's settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from rapport.domain import drafts
from rapport.domain import health as health_values
from rapport.domain.agenda import rules as agenda_rules
from rapport.domain.cadence import DEFAULT_CADENCE_DAYS, cadence_defaults
from rapport.errors import Invalid
from rapport.services import date_order as order_setting
from rapport.services import health, owner
from rapport.services.context import Ctx, zone
from rapport.storage.schema import Workspace


@dataclass(frozen=True)
class Preferences:
    workspace: str
    timezone: str
    own_emails: list[str]
    cadence: dict[str, int]  # every relationship type's rhythm in days
    cadence_defaults: dict[str, int]  # the built-in rhythm, to show what was changed
    templates: dict[str, str]  # every draft kind's template (edited or built-in)
    edited_templates: list[str]  # kinds whose template the user changed
    agenda: dict[str, int]  # the agenda's delays and windows, in days (rules.RULES)
    agenda_defaults: dict[str, int]  # their built-in values
    date_order: str  # DMY, MDY, YMD, or auto (from the time zone: services.date_order)
    date_order_used: str | None  # the order typed dates are read in (None: ISO only)
    health_weights: dict[str, float]  # each part of health's share of the score
    health_weights_default: dict[str, float]


def _workspace(ctx: Ctx) -> Workspace:
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    return ws


def describe(ctx: Ctx) -> Preferences:
    ws = _workspace(ctx)
    settings = dict(ws.settings or {})
    edited = dict(settings.get("templates") or {})
    return Preferences(
        workspace=ws.name,
        timezone=ws.timezone,
        own_emails=owner.addresses(ctx),
        cadence=cadence_defaults(settings.get("cadence")),
        cadence_defaults={str(k): v for k, v in DEFAULT_CADENCE_DAYS.items()},
        templates={k: str(edited.get(k) or v) for k, v in drafts.DEFAULT_TEMPLATES.items()},
        edited_templates=sorted(k for k in edited if k in drafts.DEFAULT_TEMPLATES),
        agenda=asdict(agenda_rules.rules_from(settings.get("agenda"))),
        agenda_defaults=dict(agenda_rules.DEFAULTS),
        date_order=order_setting.describe(ctx).setting,
        date_order_used=order_setting.order(ctx),
        health_weights=health_values.weights_from(settings.get(health.WEIGHTS_SETTING)),
        health_weights_default=dict(health_values.WEIGHTS),
    )


def update(
    ctx: Ctx,
    *,
    workspace: str | None = None,
    timezone: str | None = None,
    own_emails: Iterable[str] | None = None,
    cadence: Mapping[str, int | None] | None = None,
    templates: Mapping[str, str | None] | None = None,
    agenda: Mapping[str, int | None] | None = None,
    date_order: str | None = None,
    health_weights: Mapping[str, object] | None = None,
) -> Preferences:
    """Change what is given; a None rhythm, template or agenda setting goes back to
    the default, and so do health's weights when given empty."""
    ws = _workspace(ctx)
    settings = dict(ws.settings or {})
    if workspace is not None:
        if not workspace.strip():
            raise Invalid("workspace", "cannot be empty")
        ws.name = workspace.strip()[:200]
    if timezone is not None:
        ctx.tz = zone(timezone.strip())
        ws.timezone = timezone.strip()
    if cadence is not None:
        current = dict(settings.get("cadence") or {})
        for type_, days in cadence.items():
            if type_ not in DEFAULT_CADENCE_DAYS:
                raise Invalid(f"cadence.{type_}", f"{type_!r} is not a relationship type")
            if days is None or days == DEFAULT_CADENCE_DAYS[type_]:
                current.pop(type_, None)
                continue
            if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
                raise Invalid(f"cadence.{type_}", "must be a number of days from 1 to 3650")
            current[type_] = days
        settings["cadence"] = current
    if templates is not None:
        edited = dict(settings.get("templates") or {})
        for kind, source in templates.items():
            if kind not in drafts.DEFAULT_TEMPLATES:
                raise Invalid(f"templates.{kind}", f"{kind!r} is not a kind of draft")
            if source is None or not source.strip() or source == drafts.DEFAULT_TEMPLATES[kind]:
                edited.pop(kind, None)
                continue
            try:
                drafts.check(source, kind)
            except Invalid as exc:
                raise Invalid(f"templates.{kind}", exc.reason) from None
            edited[kind] = source
        settings["templates"] = edited
    if agenda is not None:
        windows = dict(settings.get("agenda") or {})
        for name, days in agenda.items():
            if days is None or (
                name in agenda_rules.DEFAULTS and days == agenda_rules.DEFAULTS[name]
            ):
                agenda_rules.checked(name, agenda_rules.DEFAULTS.get(name))  # a known name
                windows.pop(name, None)
                continue
            windows[name] = agenda_rules.checked(name, days)
        settings["agenda"] = windows
    if date_order is not None:
        order_setting.put(settings, date_order)
    if health_weights is not None:
        current = health_values.weights_from(settings.get(health.WEIGHTS_SETTING))
        shares = health_values.checked_weights(current, health_weights) if health_weights else {}
        if shares and shares != health_values.weights_from(None):
            settings[health.WEIGHTS_SETTING] = shares
        else:  # the defaults: nothing to keep
            settings.pop(health.WEIGHTS_SETTING, None)
    ws.settings = settings
    ctx.settings = dict(settings)
    if own_emails is not None:  # who the user is has its own service
        owner.replace(ctx, own_emails)
    ctx.session.flush()
    return describe(ctx)
