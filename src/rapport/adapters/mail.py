"""Email in: mbox files, Maildir folders and single .eml messages.

Only headers are read (who, when, which thread); bodies stay where they are. Headers
are taken as they come: encoded words in any charset, raw 8-bit bytes, missing or
malformed dates and addresses each degrade to a reason, never an exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from email.header import decode_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rapport.adapters.limits import Budget
from rapport.adapters.records import Address, Conversation, MessageRecord, Skipped
from rapport.adapters.text import Source, decode_bytes, looks_binary, read_bytes, source_name
from rapport.domain.names import looks_like_email
from rapport.errors import ImportFailed

# an mbox "From_" line: "From sender Fri Apr 06 16:46:09 2001" (a body line starting
# "From " that the writer forgot to quote as ">From " has no such time and year)
_FROM_LINE = re.compile(rb"^From \S+ [^\r\n]*\d:\d\d[^\r\n]*\d{4}[ \t]*\r?$", re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?"
    r"|notifications?|newsletters?|news|alerts?|automated|updates)([-+._].*)?$",
    re.IGNORECASE,
)
_SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|tr|rif)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
MAX_PEOPLE = 20  # a message to more people than this is a broadcast, not an exchange


_MAIL_HEADERS = {
    b"from",
    b"date",
    b"message-id",
    b"subject",
    b"received",
    b"to",
    b"return-path",
    b"mime-version",
    b"delivered-to",
    b"cc",
}


def looks_like_mail(data: bytes) -> bool:
    """True when `data` starts with a block of mail headers (two known ones at least)."""
    block = re.split(rb"\r?\n\r?\n", data[:8192].lstrip(), maxsplit=1)[0]
    if not re.match(rb"[\w-]+:", block):
        return False
    names = {m.lower() for m in re.findall(rb"(?m)^([\w-]+):", block)}
    return len(names & _MAIL_HEADERS) >= 2


def parse(source: Source, budget: Budget | None = None) -> Iterator[MessageRecord | Skipped]:
    """One MessageRecord per message (Skipped for list, bulk and no-reply traffic and
    for messages without a sender or date). A directory is read as a Maildir (or a
    folder of .eml files); a file as an mbox when it starts with a 'From ' line,
    else as one message."""
    name = source_name(source)
    budget = budget or Budget()
    if isinstance(source, str | Path) and Path(source).is_dir():
        for record in _folder(Path(source)):
            budget.check(source=name)
            yield record
        return
    data = read_bytes(source)
    if not data.strip():
        raise ImportFailed("the file is empty", source=name)
    if looks_binary(data):
        raise ImportFailed("binary data, not an mbox or email message", source=name)
    if data.startswith(b"From "):
        for record in _mbox(data):
            budget.check(record.line, name)
            yield record
    elif looks_like_mail(data):
        yield message(data, 1)
    else:
        raise ImportFailed("not an email message or mbox (no mail headers)", source=name)


def _folder(path: Path) -> Iterator[MessageRecord | Skipped]:
    boxes = [path / sub for sub in ("cur", "new") if (path / sub).is_dir()]
    files = (
        sorted(f for box in boxes for f in box.iterdir() if f.is_file())
        if boxes
        else sorted(f for f in path.rglob("*.eml") if f.is_file())
    )
    if not files:
        raise ImportFailed("no messages here (not a Maildir, no .eml files)", source=str(path))
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            yield Skipped(None, f"{file.name}: cannot read ({exc.strerror})")
            continue
        record = message(data, None)
        if isinstance(record, Skipped):
            record = Skipped(None, f"{file.name}: {record.reason}", record.invalid)
        yield record


def _mbox(data: bytes) -> Iterator[MessageRecord | Skipped]:
    starts = [m.start() for m in _FROM_LINE.finditer(data)]
    line = 1
    previous = 0
    for i, start in enumerate(starts):
        line += data.count(b"\n", previous, start)
        previous = start
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[start:end]
        first_end = chunk.find(b"\n")
        from_line = chunk[: first_end if first_end >= 0 else len(chunk)]
        yield message(chunk[first_end + 1 :] if first_end >= 0 else b"", line, from_line)


def message(data: bytes, line: int | None, from_line: bytes = b"") -> MessageRecord | Skipped:
    """The record of one message's headers, or why it is left out."""
    end = _HEADER_END.search(data)
    headers = data[: end.start()] if end else data
    # each line decoded on its own: raw 8-bit headers mix UTF-8 and legacy charsets
    text = "\n".join(decode_bytes(line) for line in headers.splitlines())
    msg = HeaderParser(policy=compat32).parsestr(text + "\n\n")
    noise = _noise(msg)
    senders = _addresses(msg, "From") or _addresses(msg, "Sender")
    if noise:
        return Skipped(line, noise, invalid=False)
    if not senders:
        return Skipped(line, "no sender address")
    if _NO_REPLY.match(senders[0].key.split("@")[0]):
        return Skipped(line, f"automatic sender {senders[0].email}", invalid=False)
    sent_at = _date(_raw(msg, "Date")) or _from_line_date(from_line)
    if sent_at is None:
        return Skipped(line, "no readable Date header")
    message_id = _ids(_raw(msg, "Message-ID"))
    references = _ids(_raw(msg, "References"))
    in_reply_to = _ids(_raw(msg, "In-Reply-To"))
    own_id = message_id[0] if message_id else None
    related = list(dict.fromkeys(references + in_reply_to[:1]))
    chain = references or in_reply_to or message_id
    thread_key = (
        chain[0]
        if chain
        else "h:"
        + hashlib.sha1(f"{senders[0].key}|{sent_at}|{_raw(msg, 'Subject')}".encode()).hexdigest()
    )
    recipients = _addresses(msg, "To") + _addresses(msg, "Cc")
    delivered = [a.key for h in ("Delivered-To", "X-Original-To") for a in _addresses(msg, h)]
    return MessageRecord(
        line=line,
        message_id=own_id,
        thread_key=thread_key,
        related=related,
        sent_at=sent_at,
        subject=_decoded(_raw(msg, "Subject"))[:500],
        sender=senders[0],
        recipients=list({a.key: a for a in recipients}.values()),
        delivered_to=delivered,
    )


def _noise(msg: Message) -> str | None:
    for header in ("List-Id", "List-Unsubscribe", "List-Post"):
        if msg.get(header) is not None:
            return f"mailing-list message ({header})"
    precedence = _raw(msg, "Precedence").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"bulk mail (Precedence: {precedence})"
    auto = _raw(msg, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return f"automatic message (Auto-Submitted: {auto})"
    return None


def _raw(msg: Message, name: str) -> str:
    """All values of header `name` joined; encoded words are left for _decoded."""
    return ", ".join(str(v) for v in msg.get_all(name) or [])


def _decoded(raw: str) -> str:
    """RFC 2047 encoded words decoded; an unknown charset falls back to UTF-8/cp1252."""
    try:
        parts = decode_header(raw)
    except Exception:  # a malformed encoded word: keep the raw text
        return " ".join(raw.split())
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            usable = charset if charset and charset != "unknown-8bit" else None
            out.append(decode_bytes(chunk, usable))
        else:
            out.append(chunk)
    return " ".join("".join(out).split())


def _addresses(msg: Message, name: str) -> list[Address]:
    raw = _raw(msg, name)
    if not raw:
        return []
    found = []
    for display, email in getaddresses([raw]):
        if looks_like_email(email):
            label = _decoded(display).strip().strip('"').strip() or None
            found.append(Address(email.strip(), None if label == email else label))
    return found


def _ids(raw: str) -> list[str]:
    return _MSG_ID.findall(raw)


def _date(raw: str) -> dt.datetime | None:
    if not raw.strip():
        return None
    try:
        moment = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000": the time is UTC, the zone unknown
        moment = moment.replace(tzinfo=dt.UTC)
    return moment if 1971 <= moment.year <= 9998 else None


def _from_line_date(line: bytes) -> dt.datetime | None:
    """The date of an mbox 'From sender Fri Apr 06 16:46:09 2001' line (UTC)."""
    words = line.decode("latin-1").split()
    try:
        moment = dt.datetime.strptime(" ".join(words[2:7]), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC)


# --- from messages to conversations ---------------------------------------------------


def guess_own(messages: Sequence[MessageRecord]) -> str | None:
    """The address in most messages (sender, recipient or delivery address), when it
    is in at least half of them: the mailbox owner's."""
    counts: Counter[str] = Counter()
    for m in messages:
        keys = {m.sender.key, *(a.key for a in m.recipients), *m.delivered_to}
        counts.update(keys)
    if not counts:
        return None
    address, seen = counts.most_common(1)[0]
    return address if seen * 2 >= len(messages) else None


def _subject(text: str) -> str:
    return _SUBJECT_PREFIX.sub("", text).strip() or "(no subject)"


def message_key(m: MessageRecord) -> str:
    """The key a message is remembered by: its Message-ID, else its thread key (a
    hash of sender, date and subject for a message with no ids at all)."""
    return (m.message_id or m.thread_key)[:500]


def thread_keys(m: MessageRecord) -> list[str]:
    """Every key that ties `m` to its thread: its thread key, the ids it refers to,
    its own id."""
    keys = [m.thread_key, *m.related, *([m.message_id] if m.message_id else [])]
    return list(dict.fromkeys(k[:500] for k in keys))


def threads(
    messages: Iterable[MessageRecord], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The root of the thread of each key of `messages` (`thread_keys`): messages that
    refer to one another share one. Within the messages the root is the smallest key
    of the thread (so a file gives the same roots however it is ordered); a root
    already `known` (key → root, remembered from an earlier import or sync) wins over
    new keys, so a reply read later joins the conversation stored before."""
    parent: dict[str, str] = {}
    fixed = set((known or {}).values())
    for key, root in (known or {}).items():
        parent[key] = root

    def find(key: str) -> str:
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(key, key) != root:  # path compression
            parent[key], key = root, parent[key]
        return root

    every: list[str] = []
    for m in messages:
        keys = thread_keys(m)
        every.extend(keys)
        for other in keys[1:]:
            a, b = find(keys[0]), find(other)
            if a == b:
                continue
            if (a in fixed) != (b in fixed):
                loser, winner = (b, a) if a in fixed else (a, b)
            else:
                loser, winner = max(a, b), min(a, b)
            parent[loser] = winner
    return {key: find(key) for key in dict.fromkeys(every)}


def conversations(
    messages: Iterable[MessageRecord],
    own: set[str],
    tz: ZoneInfo,
    roots: Mapping[str, str] | None = None,
) -> tuple[list[Conversation], list[Skipped]]:
    """One conversation per thread per (local) day, with the people other than the user
    in it; direction from who wrote first that day. Messages that do not involve the
    user, go to a crowd, or involve no one else are Skipped (ignored). `roots` are the
    thread roots of the messages' keys (`threads`), computed from them when not given."""
    items = sorted(messages, key=lambda m: (m.sent_at, m.line or 0))
    found_roots = roots if roots is not None else threads(items)

    def find(key: str) -> str:
        return found_roots.get(key[:500], key[:500])

    groups: dict[tuple[str, dt.date], list[tuple[MessageRecord, list[Address]]]] = defaultdict(list)
    skipped: list[Skipped] = []
    for m in items:
        involved = (
            m.sender.key in own
            or any(a.key in own for a in m.recipients)
            or any(d in own for d in m.delivered_to)
        )
        if own and not involved:
            skipped.append(Skipped(m.line, "neither from you nor to you", invalid=False))
            continue
        others = [a for a in [m.sender, *m.recipients] if a.key not in own]
        unique = list({a.key: a for a in others}.values())
        if len(unique) > MAX_PEOPLE:
            skipped.append(Skipped(m.line, f"sent to {len(unique)} people", invalid=False))
            continue
        if not unique:
            skipped.append(Skipped(m.line, "no one but you in it", invalid=False))
            continue
        groups[(find(m.thread_key), m.sent_at.astimezone(tz).date())].append((m, unique))
    found = []
    for (root, day), members in groups.items():
        first = members[0][0]
        people: dict[str, Address] = {}
        for _, others in members:
            for person in others:
                if person.key not in people or (person.name and not people[person.key].name):
                    people[person.key] = person
        written = sum(1 for m, _ in members if m.sender.key in own)
        found.append(
            Conversation(
                line=first.line,
                external_id=f"{day.isoformat()}/{root}"[:480],
                started_at=first.sent_at,
                subject=_subject(first.subject),
                direction="me" if first.sender.key in own else "them",
                counterparts=list(people.values()),
                messages=len(members),
                written=written,
            )
        )
    found.sort(key=lambda c: (c.started_at, c.external_id))
    return found, skipped
