"""The tools an assistant may call: each validates its arguments with the API's input
model, calls the service the API calls, and answers what the API answers (as JSON).

"Who do I know who…" is not here yet: it is being built (issue 22 names it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, model_validator

from rapport.domain.records import (
    Agenda,
    Brief,
    CommitmentOut,
    Draft,
    ExchangeOut,
    InteractionOut,
    PersonAdded,
)
from rapport.domain.vocabulary import CommitmentStatus
from rapport.errors import Invalid
from rapport.services import (
    agenda,
    brief,
    drafts,
    duplicates,
    favours,
    interactions,
    people,
    promises,
    resolve,
    search,
    warm_paths,
)
from rapport.services.context import Ctx, Rapport
from rapport.services.warm_paths import Paths
from rapport.web.api.misc import SearchKind
from rapport.web.api.schemas import (
    FavourIn,
    Filled,
    Id,
    In,
    InteractionIn,
    PersonIn,
    PromiseIn,
    Str,
    Text,
)
from rapport.web.errors import describe_validation

WHOLE = "arguments"  # an Invalid's field when it is about no one argument
INTERFACE = "mcp"  # the agenda's numbers name entries of the listing this interface showed


@dataclass(frozen=True)
class Scope:
    """The workspace a session may touch: a token's (HTTP, `--token`), or the local
    owner's when `workspace_id` is None (`rapport mcp`, like the CLI)."""

    rapport: Rapport
    workspace_id: int | None = None
    user_id: int | None = None
    today: dt.date | None = None

    @contextmanager
    def read(self) -> Iterator[Ctx]:
        with self.rapport.open(write=False, today=self.today, workspace_id=self.workspace_id) as c:
            yield c

    @contextmanager
    def write(self) -> Iterator[Ctx]:
        with self.rapport.open(
            write=True, today=self.today, workspace_id=self.workspace_id, user_id=self.user_id
        ) as ctx:
            yield ctx


# A person as an assistant names them: '#12', an email address, a full name or an
# unambiguous prefix of one (as on the command line)
PersonRef = Annotated[Filled, Str(300, 1)]


def _one_person(model: BaseModel) -> None:
    if getattr(model, "person_id", None) is None and getattr(model, "person", None) is None:
        raise ValueError("say who: give person (a name, an email or #id) or person_id")


def _person(ctx: Ctx, person_id: int | None, ref: str | None) -> int:
    if person_id is not None:
        people.require(ctx, person_id)
        return person_id
    assert ref is not None  # the models' validators require one of the two
    return resolve.person_id(ctx, ref)


class SearchArgs(In):
    query: Annotated[Text, Str(200, 1)] = Field(
        description="Words (prefixes too) and filters: type:client, org:acme, tag:angel, "
        "met:websummit, since:2025-01, kind:promise"
    )
    kinds: Annotated[list[SearchKind], Field(max_length=9)] = Field(default_factory=list)
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class PersonArgs(In):
    person: PersonRef | None = Field(None, description="A name, an email address or #id")
    person_id: Id | None = None

    @model_validator(mode="after")
    def _someone(self) -> PersonArgs:
        _one_person(self)
        return self


class AgendaArgs(In):
    limit: Annotated[int, Field(ge=1, le=1000)] | None = None


class LogArgs(InteractionIn):
    participant_ids: Annotated[list[Id], Field(max_length=100)] = Field(default_factory=list)
    people: Annotated[list[PersonRef], Field(max_length=100)] = Field(
        [], description="Who took part, by name, email address or #id"
    )

    @model_validator(mode="after")
    def _someone(self) -> LogArgs:
        if not self.participant_ids and not self.people:
            raise ValueError("say who took part: people (names) or participant_ids")
        return self


class PromiseArgs(PromiseIn):
    person_id: Id | None = None  # type: ignore[assignment]
    person: PersonRef | None = Field(None, description="A name, an email address or #id")

    @model_validator(mode="after")
    def _someone(self) -> PromiseArgs:
        _one_person(self)
        return self


class KeptArgs(In):
    promise_id: Id


class FavourArgs(FavourIn):
    person_id: Id | None = None  # type: ignore[assignment]
    person: PersonRef | None = Field(None, description="A name, an email address or #id")

    @model_validator(mode="after")
    def _someone(self) -> FavourArgs:
        _one_person(self)
        return self


class DraftArgs(In):
    ref: Annotated[Filled, Str(300, 1)] = Field(
        description="An agenda entry's number (from the agenda tool), a reason's reference "
        "('p12'), or a person ('#12', a name)"
    )


class PathArgs(PersonArgs):
    limit: Annotated[int, Field(ge=1, le=50)] = 5


# --- what each tool does -----------------------------------------------------------


def _search(scope: Scope, a: SearchArgs) -> dict[str, Any]:
    with scope.read() as ctx:
        found = search.answer(ctx, a.query, kinds=a.kinds, limit=a.limit)
    return {"results": found.results, "did_you_mean": found.did_you_mean}


def _brief(scope: Scope, a: PersonArgs) -> Brief:
    with scope.read() as ctx:
        return brief.brief(ctx, _person(ctx, a.person_id, a.person))


def _agenda(scope: Scope, a: AgendaArgs) -> Agenda:
    with scope.write() as ctx:
        return agenda.show(ctx, INTERFACE, None, a.limit)


def _log(scope: Scope, a: LogArgs) -> InteractionOut:
    with scope.write() as ctx:
        ids = [_person(ctx, i, None) for i in a.participant_ids]
        ids += [resolve.person_id(ctx, ref) for ref in a.people]
        when = a.occurred_at or ctx.now()
        return interactions.log(
            ctx,
            interactions.InteractionIn(
                kind=a.kind,
                occurred_at=when if when.tzinfo else when.replace(tzinfo=ctx.tz),
                participant_ids=list(dict.fromkeys(ids)),
                summary=a.summary,
                direction=a.direction,
                channel=a.channel,
                notes=a.notes,
                tone=a.tone,
                project=a.project,
                event_id=a.event_id,
            ),
        )


def _promise(scope: Scope, a: PromiseArgs) -> CommitmentOut:
    with scope.write() as ctx:
        who = _person(ctx, a.person_id, a.person)
        return promises.promise(ctx, who, a.description, owner=a.owner, due_on=a.due_on)


def _kept(scope: Scope, a: KeptArgs) -> CommitmentOut:
    with scope.write() as ctx:
        return promises.resolve(ctx, a.promise_id, CommitmentStatus.KEPT)


def _favour(scope: Scope, a: FavourArgs) -> ExchangeOut:
    with scope.write() as ctx:
        who = _person(ctx, a.person_id, a.person)
        return favours.record(
            ctx,
            who,
            a.direction,
            a.kind,
            occurred_on=a.occurred_on,
            note=a.note,
            thanked_on=a.thanked_on,
        )


def _add_person(scope: Scope, a: PersonIn) -> PersonAdded:
    with scope.write() as ctx:
        patch = a.patch()
        similar = [] if a.force else duplicates.similar_to(ctx, patch)
        added = people.add(ctx, patch, force=a.force, fields=a.fields)
        return PersonAdded.of(added, similar)


def _draft(scope: Scope, a: DraftArgs) -> Draft:
    with scope.read() as ctx:
        return drafts.draft(ctx, a.ref, interface=INTERFACE)


def _paths(scope: Scope, a: PathArgs) -> Paths:
    with scope.read() as ctx:
        return warm_paths.to_person(ctx, _person(ctx, a.person_id, a.person), limit=a.limit)


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args: type[BaseModel]
    run: Callable[[Scope, Any], Any]
    writes: bool = False

    def schema(self) -> dict[str, Any]:
        """The arguments' JSON schema, as the API's, less the long lists of names (time
        zones: 600 of them) that would fill an assistant's context: the model still
        checks them."""
        schema: dict[str, Any] = _short(self.args.model_json_schema())
        return schema

    def call(self, scope: Scope, arguments: dict[str, Any]) -> Any:
        """What the tool answers, as JSON values: Invalid for arguments the model
        refuses, any RapportError the service raises."""
        try:
            args = self.args.model_validate(arguments)
        except ValidationError as exc:
            raise _invalid(exc) from None
        return TypeAdapter(Any).dump_python(self.run(scope, args), mode="json")


LONGEST_ENUM = 50


def _short(schema: Any) -> Any:
    if isinstance(schema, dict):
        names = schema.get("enum", ())
        if len(names) > LONGEST_ENUM:
            kept = {k: _short(v) for k, v in schema.items() if k != "enum"}
            example = next((n for n in names if "/" in str(n)), names[0])  # Africa/Abidjan
            return {"description": f"One of {len(names)} names, such as {example}", **kept}
        return {k: _short(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_short(v) for v in schema]
    return schema


def _invalid(exc: ValidationError) -> Invalid:
    """The first thing wrong with the arguments, said as the API's 422 says it."""
    errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
    message, field = describe_validation(errors)
    if field in (None, "body"):  # about the arguments together ("say who took part")
        return Invalid(WHOLE, message.removeprefix("body: ").removeprefix("value error, "))
    return Invalid(field, message.removeprefix(f"{field}: ").removeprefix("value error, "))


TOOLS: tuple[Tool, ...] = (
    Tool(
        "search",
        "Search everything (people, organizations, conversations, promises, favours, "
        "feedback, events, mentorships, dates); results grouped by kind.",
        SearchArgs,
        _search,
    ),
    Tool(
        "person_brief",
        "What to know before meeting someone: the last conversations, open promises both "
        "ways, coming dates, interests and what to remember.",
        PersonArgs,
        _brief,
    ),
    Tool(
        "todays_agenda",
        "Today's agenda: whom to reach out to, most important first, each with its reasons "
        "and a suggested action. Entries are numbered for draft_message.",
        AgendaArgs,
        _agenda,
    ),
    Tool(
        "log_interaction",
        "Log a conversation (a coffee is a meeting or a meal) with one or more people; "
        "with no time given, now.",
        LogArgs,
        _log,
        writes=True,
    ),
    Tool(
        "add_promise",
        "Record a promise: yours to someone (owner 'me') or theirs to you ('them').",
        PromiseArgs,
        _promise,
        writes=True,
    ),
    Tool("mark_promise_kept", "Mark a promise kept.", KeptArgs, _kept, writes=True),
    Tool(
        "record_favour",
        "Record help given to or received from someone (an introduction, a referral, "
        "advice, a resource, a favour, an endorsement).",
        FavourArgs,
        _favour,
        writes=True,
    ),
    Tool(
        "add_person",
        "Add a person. Refused when an email or phone is already another person's (unless "
        "force); people with a similar name are listed in the answer's 'similar'.",
        PersonIn,
        _add_person,
        writes=True,
    ),
    Tool(
        "draft_message",
        "A suggested message for an agenda entry (a check-in, thanks, congratulations, a "
        "follow-up), from your templates; nothing is sent.",
        DraftArgs,
        _draft,
    ),
    Tool(
        "path_to_person",
        "Who can introduce you to someone: the strongest warm paths, each hop with its reason.",
        PathArgs,
        _paths,
    ),
)
BY_NAME = {tool.name: tool for tool in TOOLS}
