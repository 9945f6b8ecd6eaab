"""The data model: every table of Rapport, typed with SQLAlchemy 2.

Every owned row carries `workspace_id`; join tables carry it too, so a query can
always be scoped with one condition. Timestamps are stored as naive UTC and read
back as aware UTC (`UTCDateTime`). Indexes follow the hot paths: the agenda reads
people by workspace with their last contact; a person's page reads participants by
person and time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# a context pinned to another day (RAPPORT_TODAY, demos, tests) sets this while it is
# open, so that the rows it creates are created "now" on that day, as it records
# everything else (see `Ctx.now`)
pinned_clock: ContextVar[Callable[[], dt.datetime] | None] = ContextVar(
    "pinned_clock", default=None
)


def utcnow() -> dt.datetime:
    clock = pinned_clock.get()
    return clock() if clock is not None else dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, naive UTC stored, aware UTC out: the same on both backends."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text from an aggregate such as max()
            value = dt.datetime.fromisoformat(value)
        moment: dt.datetime = value
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


# Objects made by hand in migrations (full-text indexes) that the models don't describe.
HAND_MADE = {"search_fts", "ix_search_doc_tsv", "tsv"}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the hand-made full-text objects out of comparisons."""
    return not (name in HAND_MADE or (name or "").startswith("search_fts"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _ws() -> Mapped[int]:
    return mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)


def _created() -> Mapped[dt.datetime]:
    return mapped_column(UTCDateTime, default=utcnow)


# --- accounts -----------------------------------------------------------------


class Workspace(Base):
    __tablename__ = "workspace"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # user settings: cadence overrides, own email addresses, digest time, templates…
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = _created()


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = _created()
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = _created()
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A browser signed in to the web app. Kept in the database, not only in the
    cookie, so it can be ended (sign out, a password change, "sign out everywhere")
    and so several `rapport serve` processes on one database agree. The cookie holds
    a random id; only its SHA-256 hash is stored."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = _created()
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    client: Mapped[str] = mapped_column(String(64), default="")


class LoginFailure(Base):
    """One wrong password, by (account, client address), kept for the sign-in
    throttle so that every process serving the database counts the same failures.
    Both keys are hashes: the table tells no one which addresses were tried."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_pair", "account_key", "client_key", "failed_at"),
        Index("ix_login_failure_client", "client_key", "failed_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(32))
    client_key: Mapped[str] = mapped_column(String(32))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class TwoFactor(Base):
    """An account's second factor (TOTP, RFC 6238). The shared secret is sealed with
    the installation's secret box (services.secret_box), never stored in clear.
    `enabled_at` is None while enrolment waits for its first code; `last_step` is
    the newest 30-second step a code was accepted for, so no code works twice."""

    __tablename__ = "two_factor"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    secret_sealed: Mapped[str] = mapped_column(String(200))
    enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = _created()


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app: only its argon2
    hash is kept; `used_at` says when it was spent."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# --- people and organizations ---------------------------------------------------


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    industry: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created()


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_workspace_name", "workspace_id", "name_key"),
        Index("ix_person_workspace_last_contact", "workspace_id", "last_contact_at"),
        # covers ranking and counting the people due a check-in (services.keep_in_touch)
        Index(
            "ix_person_workspace_touch_due",
            "workspace_id",
            "touch_due_on",
            "touch_cadence",
            "touch_weight",
            "archived_at",
            "not_before",
            "max_contact_days",
            "last_contact_at",
            "full_name",
        ),
        CheckConstraint("cadence_days IS NULL OR cadence_days > 0", name="cadence_positive"),
        CheckConstraint(
            "max_contact_days IS NULL OR max_contact_days > 0", name="max_contact_positive"
        ),
        CheckConstraint(
            "health_adjustment IS NULL OR health_adjustment BETWEEN -100 AND 100",
            name="health_adjustment_range",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(300))
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    nickname: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(300))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(300))
    location: Mapped[str | None] = mapped_column(String(300))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # how we met
    how_met: Mapped[str | None] = mapped_column(Text)
    met_on: Mapped[dt.date | None] = mapped_column(Date)
    met_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    introduced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    # what matters to them
    interests: Mapped[str | None] = mapped_column(Text)
    remember: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    # boundaries and rhythm
    preferred_channel: Mapped[str | None] = mapped_column(String(32))
    not_before: Mapped[dt.date | None] = mapped_column(Date)
    max_contact_days: Mapped[int | None] = mapped_column(Integer)
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    strained: Mapped[bool] = mapped_column(Boolean, default=False)
    strained_context: Mapped[str | None] = mapped_column(Text)
    strained_since: Mapped[dt.date | None] = mapped_column(Date)
    # the user's correction of the health score (points, ±100) and why
    health_adjustment: Mapped[int | None] = mapped_column(Integer)
    health_adjustment_reason: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # kept current by the services whenever an interaction is added, moved or removed
    last_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # what ranking check-ins needs, kept by services.touch_state after every write that
    # touches the person, their types or the workspace's rhythms and zone: the rhythm in
    # force (own, else the tightest of their types'), the importance of their types in
    # tenths, and the day past which a check-in is due (last contact's or meeting's local
    # day + rhythm); None without a rhythm
    touch_cadence: Mapped[int | None] = mapped_column(Integer)
    touch_weight: Mapped[int | None] = mapped_column(Integer)
    touch_due_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = _created()
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def _person_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)


class PersonEmail(Base):
    __tablename__ = "person_email"
    __table_args__ = (
        UniqueConstraint("person_id", "address_key"),
        Index("ix_person_email_workspace_key", "workspace_id", "address_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    person_id: Mapped[int] = _person_fk()
    address: Mapped[str] = mapped_column(String(320))
    address_key: Mapped[str] = mapped_column(String(320))
    label: Mapped[str | None] = mapped_column(String(50))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class PersonPhone(Base):
    __tablename__ = "person_phone"
    __table_args__ = (Index("ix_person_phone_workspace_key", "workspace_id", "number_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    person_id: Mapped[int] = _person_fk()
    number: Mapped[str] = mapped_column(String(64))
    number_key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(50))


class PersonUrl(Base):
    __tablename__ = "person_url"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    person_id: Mapped[int] = _person_fk()
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(32), default="website")  # linkedin, website, social


class PersonType(Base):
    """A relationship type of a person (several per person)."""

    __tablename__ = "person_type"
    __table_args__ = (Index("ix_person_type_workspace_type", "workspace_id", "type"),)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))


class Tag(Base):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))


class PersonTag(Base):
    __tablename__ = "person_tag"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    workspace_id: Mapped[int] = _ws()


class Role(Base):
    """One entry of a person's role history; the current one has no `ended_on`."""

    __tablename__ = "role"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    person_id: Mapped[int] = _person_fk()
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(300))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    # a change noticed (edit or re-import) that the agenda may surface until acknowledged
    detected_on: Mapped[dt.date | None] = mapped_column(Date)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = _created()


# --- fields of the user's own (issue 23) ----------------------------------------


class CustomField(Base):
    """A field the user defined for people or for organisations (`target`): its name
    (unique per workspace and target, any case), type, and a choice's options."""

    __tablename__ = "custom_field"
    __table_args__ = (UniqueConstraint("workspace_id", "target", "name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    target: Mapped[str] = mapped_column(String(16))  # people, organizations
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # text, number, date, choice, url
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = _created()


class CustomFieldValue(Base):
    """One person's or organisation's value of a field: as typed (`value`), folded
    for matching (`value_key`), and as a number or a day for sorting and filtering."""

    __tablename__ = "custom_field_value"
    __table_args__ = (
        UniqueConstraint("field_id", "person_id"),
        UniqueConstraint("field_id", "organization_id"),
        Index("ix_custom_field_value_field_key", "field_id", "value_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(Text)
    value_key: Mapped[str] = mapped_column(String(300))
    number_value: Mapped[float | None] = mapped_column(Float)
    date_value: Mapped[dt.date | None] = mapped_column(Date)


# --- events and interactions ----------------------------------------------------


class Event(Base):
    """A networking event: a conference, meetup, dinner."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_workspace_starts", "workspace_id", "starts_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created()


class EventAttendee(Base):
    """A person met at an event, and whether they have been followed up."""

    __tablename__ = "event_attendee"
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    workspace_id: Mapped[int] = _ws()
    note: Mapped[str | None] = mapped_column(Text)
    followed_up_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Interaction(Base):
    __tablename__ = "interaction"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "external_id"),
        Index("ix_interaction_workspace_occurred", "workspace_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(String(8), default="mutual")
    channel: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str | None] = mapped_column(Text)
    tone: Mapped[str | None] = mapped_column(String(16))
    project: Mapped[str | None] = mapped_column(String(200))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    # where it came from ("manual", "ics", "mbox", …) and the id it had there:
    # re-importing the same item finds this row instead of adding another
    source: Mapped[str] = mapped_column(String(32), default="manual")
    external_id: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = _created()


class InteractionParticipant(Base):
    """A person taking part in an interaction. `occurred_at`, `direction` and `tone`
    are copied from the interaction (interactions are never edited, only logged and
    deleted), so a person's timeline and their year's activity for health are one
    index range scan: 2 ms instead of 25 for a close tie's 12,700 conversations of
    the year, which otherwise each look up their interaction."""

    __tablename__ = "interaction_participant"
    __table_args__ = (
        Index("ix_participant_person_occurred", "person_id", "occurred_at", "direction", "tone"),
    )
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = _ws()
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str | None] = mapped_column(String(8))
    tone: Mapped[str | None] = mapped_column(String(16))


# --- promises, favours, milestones ------------------------------------------------


class Commitment(Base):
    """A promise: mine to them (`owner='me'`) or theirs to me (`owner='them'`)."""

    __tablename__ = "commitment"
    __table_args__ = (
        Index("ix_commitment_workspace_status_due", "workspace_id", "status", "due_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[int] = _person_fk()
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    origin_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL"), index=True
    )
    feedback_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = _created()
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Exchange(Base):
    """One entry of the reciprocity ledger: help given or received."""

    __tablename__ = "exchange"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    direction: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int] = _person_fk()
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    thanked_on: Mapped[dt.date | None] = mapped_column(Date)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = _created()


class Milestone(Base):
    """A date worth marking. `year` is None when unknown (a birthday without year)."""

    __tablename__ = "milestone"
    __table_args__ = (
        Index("ix_milestone_workspace_month_day", "workspace_id", "month", "day"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("day BETWEEN 1 AND 31", name="day_range"),
        CheckConstraint("lead_days >= 0", name="lead_days_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    person_id: Mapped[int] = _person_fk()
    kind: Mapped[str] = mapped_column(String(24))
    label: Mapped[str | None] = mapped_column(String(300))
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    recurrence: Mapped[str] = mapped_column(String(8), default="yearly")
    lead_days: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[dt.datetime] = _created()


# --- mentoring, feedback, introductions ----------------------------------------------


class Mentorship(Base):
    __tablename__ = "mentorship"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    person_id: Mapped[int] = _person_fk()
    their_role: Mapped[str] = mapped_column(String(8))  # mentor: they mentor me
    goals: Mapped[str | None] = mapped_column(Text)
    session_cadence_days: Mapped[int | None] = mapped_column(Integer)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = _created()


class Feedback(Base):
    """Feedback received; its action items are commitments with `feedback_id` set."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    received_on: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created()


class Introduction(Base):
    """Who introduced whom to whom. A null introducer or recipient means the user."""

    __tablename__ = "introduction"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    introducer_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = _person_fk()
    to_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _created()


# --- agenda state and search ----------------------------------------------------------


class AgendaMark(Base):
    """What the user did with an agenda item: done, dismissed, or snoozed until a day."""

    __tablename__ = "agenda_mark"
    __table_args__ = (Index("ix_agenda_mark_workspace_key", "workspace_id", "item_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    until: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = _created()


class AgendaListing(Base):
    """The agenda as last shown on one interface (cli, api): what a number the user
    types next refers to."""

    __tablename__ = "agenda_listing"
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    interface: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    # [{"person_id": 3, "person": "Ana Lima", "keys": ["promise:7", ...]}, ...]
    entries: Mapped[list[Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(32))
    shown_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SearchDoc(Base):
    """The text of one searchable thing. The full-text index over it is made by the
    migrations: FTS5 (SQLite), or a generated tsvector column `tsv` with a GIN index
    (PostgreSQL)."""

    __tablename__ = "search_doc"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = _ws()
    kind: Mapped[str] = mapped_column(String(16))  # person, organization, interaction
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")


class PersonVector(Base):
    """A person's meaning vector for "who do I know who…" (services.semantic): the
    embedding of their profile, roles, interests, notes, events and latest
    conversations, as float32 bytes, or none yet. Derived, like the search documents:
    a write marks it `stale` (embedding is slow: the writer never loads the model), and
    the scheduler, `rapport who` or `rapport reindex` embed it again. A person with no
    row has never been embedded. `text_hash` is the hash of the text embedded, so a
    reindex skips those whose text did not change."""

    __tablename__ = "person_vector"
    __table_args__ = (
        Index("ix_person_vector_workspace_stale", "workspace_id", "stale"),
        # the process's cached matrix is checked against count and max(embedded_at)
        # at every question: read from this index alone, never the vectors' pages
        Index("ix_person_vector_workspace_embedded", "workspace_id", "embedded_at"),
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    text_hash: Mapped[str | None] = mapped_column(String(64))
    stale: Mapped[bool] = mapped_column(Boolean, default=True)
    embedded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DigestState(Base):
    """The daily digest's delivery record for a workspace. A process sends only after
    claiming the day with a conditional update, so two servers never both send."""

    __tablename__ = "digest_state"
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    last_sent_on: Mapped[dt.date | None] = mapped_column(Date)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sending_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# --- the review queue -------------------------------------------------------------------


class Proposal(Base):
    """A record an import matched to a person only by their name (or by a phone
    another name shares), kept for the user to decide instead of applied: the record
    as imported (`record`, JSON), why it was thought to be them (`evidence`), where
    it came from. `decision` stays None until accepted ("accepted"), kept separate
    ("separate"), replaced by a newer export's record ("superseded") or dropped (its
    person gone: "dropped"); decided ones are kept so a
    re-import proposes nothing twice (`digest`: the record's content)."""

    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_workspace_decision", "workspace_id", "decision", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    # None once the person is deleted or merged away: the proposal is then dropped
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    person_name: Mapped[str] = mapped_column(String(300))  # as it was when proposed
    kind: Mapped[str] = mapped_column(String(32))  # same-name, same-name-org, shared-phone
    evidence: Mapped[str] = mapped_column(String(500))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(32))
    source_name: Mapped[str] = mapped_column(String(500))
    line: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = _created()


# --- the journal ------------------------------------------------------------------------


class JournalEntry(Base):
    """One user action: who, when, what in words, and the rows it changed with what
    they replaced (`storage.journal`). `undone_by_id` is the entry that undid it;
    an undo's own entry names the one it undid in `undoes_id`."""

    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_entry_workspace_id", "workspace_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(500), default="")
    # {table: [added, changed, removed]}: what the history lists without reading `changes`
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {table: [[key, before, after], …]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undoes_id: Mapped[int | None] = mapped_column(Integer)
    undone_by_id: Mapped[int | None] = mapped_column(Integer)


# --- live sync (issue 17), offline capture (issue 18): modules of their own, registered
# on Base here

# --- and the CardDAV server's and the offline captures' (issue 18) ---------------------

from rapport.storage import (  # noqa: E402, F401
    capture_receipts,
    carddav_tables,
    person_ties,
    saved_lists,
    sync_tables,
)
