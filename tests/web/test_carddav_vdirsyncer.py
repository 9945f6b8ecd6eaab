"""A real CardDAV client against a live `rapport` web server, on both backends:
vdirsyncer 0.21 (installed by scripts/bootstrap --dev in .venv-vdirsyncer) syncs a
local vdir (a folder of .vcf files: the phone) with the workspace's address book.

Covered: discovery from the server's root, the first sync both ways, edits on both
sides, a conflict resolved each way, a card deleted on the phone archiving its
person, and ten cycles of edits on both sides leaving exactly one person per card
and the two sides in agreement."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rapport.services import carddav, people
from tests.web.conftest import User, Web

ROOT = Path(__file__).resolve().parents[2]
VDIRSYNCER = ROOT / ".venv-vdirsyncer" / "bin" / "vdirsyncer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(web: Web) -> Iterator[str]:
    """The app on a free port (uvicorn in a thread), its base URL."""
    if not VDIRSYNCER.exists():
        pytest.fail(
            f"vdirsyncer is not installed at {VDIRSYNCER}: run scripts/bootstrap --dev "
            "(it installs vdirsyncer 0.21 in .venv-vdirsyncer)"
        )
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Phone:
    """A vdir synced by vdirsyncer with the server."""

    home: Path
    base: str
    user: User

    @property
    def folder(self) -> Path:
        return self.home / "phone" / "contacts"

    def configure(self, resolution: str | None) -> None:
        wins = "null" if resolution is None else f'"{resolution}"'
        (self.home / "config").write_text(
            f"""[general]
status_path = "{self.home}/status/"

[pair book]
a = "rapport"
b = "phone"
collections = ["from a"]
conflict_resolution = {wins}

[storage rapport]
type = "carddav"
url = "{self.base}/"
username = "{self.user.account.email}"
password = "{self.user.token}"

[storage phone]
type = "filesystem"
path = "{self.home}/phone/"
fileext = ".vcf"
""",
            encoding="utf-8",
        )

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [str(VDIRSYNCER), "-c", str(self.home / "config"), *args],
            capture_output=True,
            text=True,
            timeout=300,
            input="y\n" * 5,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"vdirsyncer {' '.join(args)} failed:\n{output}"
        assert "error" not in output.lower(), output
        return output

    def sync(self, resolution: str | None = "a wins") -> None:
        self.configure(resolution)
        self.run("sync")

    def cards(self) -> dict[str, str]:
        """The phone's cards by UID."""
        found = {}
        for path in sorted(self.folder.glob("*.vcf")):
            text = path.read_text(encoding="utf-8")
            found[prop(text, "UID") or path.name] = text
        return found

    def file_of(self, uid: str) -> Path:
        for path in self.folder.glob("*.vcf"):
            if prop(path.read_text(encoding="utf-8"), "UID") == uid:
                return path
        raise AssertionError(f"no card {uid} on the phone")

    def edit(self, uid: str, name: str, value: str) -> None:
        path = self.file_of(uid)
        path.write_text(set_prop(path.read_text(encoding="utf-8"), name, value), "utf-8")

    def add(self, uid: str, name: str, title: str) -> None:
        given, family = name.split(" ", 1)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{uid}.vcf").write_text(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{family};{given};;;\r\n"
            f"TITLE:{title}\r\nX-PHONE-ONLY:{uid}\r\nEND:VCARD\r\n",
            encoding="utf-8",
        )


def prop(text: str, name: str) -> str | None:
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    found = re.search(rf"^{name}(?:;[^:\r\n]*)?:(.*?)\r?$", unfolded, re.MULTILINE)
    return found.group(1) if found else None


def set_prop(text: str, name: str, value: str) -> str:
    lines = [ln for ln in re.split(r"\r?\n", text) if ln and not re.match(rf"{name}[;:]", ln)]
    end = lines.index("END:VCARD")
    lines.insert(end, f"{name}:{value}")
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def phone(web: Web, served: str, tmp_path: Path) -> Phone:
    ana = web.user("ana@example.org")
    (tmp_path / "phone" / "contacts").mkdir(parents=True)
    return Phone(tmp_path, served, ana)


def add(web: Web, user: User, name: str, **changes: object) -> int:
    with web.open(user) as ctx:
        return people.add(ctx, {"full_name": name, **changes}).id


def edit(web: Web, user: User, person_id: int, **changes: object) -> None:
    with web.open(user) as ctx:
        people.edit(ctx, person_id, changes)


def server_cards(web: Web, user: User) -> dict[str, tuple[int, str]]:
    """The book's cards by UID: (person id, the card as 3.0)."""
    with web.open(user) as ctx:
        refs = carddav.listing(ctx)
        shown = carddav.cards(ctx, [r.name for r in refs], "3.0")
        found: dict[str, tuple[int, str]] = {}
        for out in shown.values():
            uid = prop(out.text, "UID") or ""
            assert uid not in found, f"two cards with the UID {uid}"
            found[uid] = (0, out.text)
        live, _ = people.listing(ctx, limit=10_000)
        assert len(live) == len(found), "every person in the network has one card"
    return found


def assert_agree(web: Web, phone: Phone) -> None:
    """The phone and Rapport hold the same cards, field for field (name, title, org)."""
    mine = phone.cards()
    theirs = server_cards(web, phone.user)
    assert set(mine) == set(theirs), (sorted(mine), sorted(theirs))
    for uid, text in mine.items():
        served = theirs[uid][1]
        for name in ("FN", "TITLE", "ORG", "EMAIL"):
            assert prop(text, name) == prop(served, name), (uid, name, text, served)


def test_vdirsyncer_syncs_both_ways_with_conflicts_and_deletions(web: Web, phone: Phone) -> None:
    user = phone.user
    bo = add(web, user, "Bo Lind", title="Lecturer", emails=["bo@example.org"])
    cy = add(web, user, "Cy Dahl", title="Analyst")
    phone.add("phone-dana", "Dana Holm", "Designer")
    phone.configure("a wins")
    phone.run("discover")
    phone.sync()
    # the first sync, both ways
    assert set(phone.cards()) == {f"urn:rapport:person:{bo}", f"urn:rapport:person:{cy}",
                                  "phone-dana"}  # fmt: skip
    with web.open(user, write=False) as ctx:
        found, _ = people.listing(ctx, limit=100)
    assert sorted(p.name for p in found) == ["Bo Lind", "Cy Dahl", "Dana Holm"]
    dana = next(p.id for p in found if p.name == "Dana Holm")
    assert_agree(web, phone)
    assert "X-PHONE-ONLY:phone-dana" in server_cards(web, user)["phone-dana"][1]

    # edits on both sides, on different cards
    edit(web, user, bo, title="Professor")
    phone.edit("phone-dana", "ORG", "Figma")
    phone.sync()
    assert prop(phone.cards()[f"urn:rapport:person:{bo}"], "TITLE") == "Professor"
    with web.open(user, write=False) as ctx:
        shown = people.show(ctx, dana)
    assert shown.organization == "Figma"
    assert_agree(web, phone)

    # a conflict: Rapport wins
    edit(web, user, cy, title="Rapport's title")
    phone.edit(f"urn:rapport:person:{cy}", "TITLE", "Phone's title")
    phone.sync("a wins")
    assert prop(phone.cards()[f"urn:rapport:person:{cy}"], "TITLE") == "Rapport's title"
    assert_agree(web, phone)
    # a conflict: the phone wins
    edit(web, user, cy, title="Rapport again")
    phone.edit(f"urn:rapport:person:{cy}", "TITLE", "Phone again")
    phone.sync("b wins")
    with web.open(user, write=False) as ctx:
        assert people.show(ctx, cy).title == "Phone again"
    assert_agree(web, phone)

    # a card deleted on the phone archives the person
    phone.file_of("phone-dana").unlink()
    phone.sync()
    with web.open(user, write=False) as ctx:
        assert people.show(ctx, dana).archived
    assert "phone-dana" not in phone.cards()
    assert_agree(web, phone)


def test_ten_cycles_of_edits_on_both_sides_leave_one_person_per_card(
    web: Web, phone: Phone
) -> None:
    user = phone.user
    ids = [add(web, user, f"Person {i} Rapport", title="Start") for i in range(4)]
    for i in range(3):
        phone.add(f"phone-{i}", f"Phoned {i}", "Start")
    phone.configure("a wins")
    phone.run("discover")
    phone.sync()
    for cycle in range(10):
        synced = list(ids)  # the people the phone has
        # Rapport: an edit, and every third cycle a new person
        edit(web, user, ids[cycle % len(ids)], title=f"Rapport {cycle}")
        if cycle % 3 == 0:
            ids.append(add(web, user, f"Added {cycle} Rapport", title="New"))
        # the phone: an edit of a card of its own, one of Rapport's, and every other
        # cycle a new card
        phone.edit(f"phone-{cycle % 3}", "TITLE", f"Phone {cycle}")
        phone.edit(f"urn:rapport:person:{synced[(cycle + 2) % len(synced)]}", "TITLE", f"P {cycle}")
        if cycle % 2 == 1:
            phone.add(f"phone-new-{cycle}", f"New {cycle}", "Fresh")
        # and a conflict on the same card, every cycle
        both = synced[(cycle + 1) % len(synced)]
        edit(web, user, both, title=f"R conflict {cycle}")
        phone.edit(f"urn:rapport:person:{both}", "TITLE", f"P conflict {cycle}")
        phone.sync("a wins" if cycle % 2 == 0 else "b wins")
        assert_agree(web, phone)
        with web.open(user, write=False) as ctx:
            found, total = people.listing(ctx, limit=1000)
        names = [p.name for p in found]
        assert len(names) == len(set(names)), f"cycle {cycle}: a person twice: {names}"
        assert total == len(phone.cards()), f"cycle {cycle}: {total} people, cards differ"
    # a card put by the phone comes back as Rapport writes it at the next sync (the
    # PUT's answer has no ETag: RFC 7231 4.3.4, the card was transformed); after that,
    # a sync with nothing changed changes nothing
    phone.sync()
    assert_agree(web, phone)
    before = dict(phone.cards())
    phone.sync()
    assert phone.cards() == before
    assert len(before) == 4 + 4 + 3 + 5  # people of Rapport, added there, the phone's, added
