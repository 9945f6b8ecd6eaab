"""Two-step sign-in (TOTP, RFC 6238) on both backends: enrolment with a code computed
from the secret the page shows, a sign-in that needs the code, wrong and reused codes
refused, recovery codes that work once, turning it off, the owner's CLI reset, and
the secret never in clear in the database."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pyotp
from sqlalchemy import select

from rapport.domain import two_factor as rules
from rapport.services import two_factor
from rapport.storage.schema import RecoveryCode, TwoFactor
from rapport.storage.uow import unit_of_work
from tests.cli_runner import Cli
from tests.conftest import TODAY
from tests.web.conftest import PASSWORD, Browser, User, Web


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(browser: Browser) -> tuple[str, list[str]]:
    """Turn two-step sign-in on as a person does; the secret shown and the codes."""
    start = browser.post("/settings/two-step/start")
    assert start.status_code == 200 and start.url.path == "/settings/two-step"
    assert "<svg" in start.text and "QR code for your authenticator app" in start.text
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', start.text)
    assert shown, start.text
    secret = shown.group(1).replace(" ", "")
    confirmed = browser.post("/settings/two-step/confirm", {"code": _code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    assert "Two-step sign-in is on." in confirmed.text
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", confirmed.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def password_step(web: Web, email: str) -> Browser:
    browser = Browser(web.client())
    browser.get("/login")
    answer = browser.post("/login", {"email": email, "password": PASSWORD, "next": "/people"})
    assert answer.status_code == 200
    assert answer.url.path == "/login/two-step"
    assert "Enter the 6-digit code from your authenticator app, or a recovery code." in answer.text
    return browser


def test_enrolment_then_sign_in_needs_the_code(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    assert "Turn on two-step sign-in" in browser.get("/settings").text
    secret, _ = enrol(browser)
    assert len(secret) == 32
    # shown once: the page no longer lists them
    page = browser.get("/settings/two-step")
    assert "You have 10 recovery codes left." in page.text
    assert "recovery-codes" not in page.text and secret not in page.text

    second = password_step(web, "ana@example.com")
    # the password alone signs nobody in
    assert second.get("/people", follow_redirects=False).headers["location"].startswith("/login")
    wrong = second.post("/login/two-step", {"code": pyotp.TOTP(secret).at(time.time() - 3600)})
    assert wrong.status_code == 401
    assert "not right, or it was already used" in wrong.text
    # the code that confirmed the enrolment was spent: it does not sign in
    reused = second.post("/login/two-step", {"code": _code(secret)})
    assert reused.status_code == 401
    # the next step's code is within the drift allowed
    later = _code(secret, 1)
    signed_in = second.post("/login/two-step", {"code": later})
    assert signed_in.status_code == 200 and signed_in.url.path == "/people"
    assert second.get("/settings", follow_redirects=False).status_code == 200

    again = password_step(web, "ana@example.com")
    assert again.post("/login/two-step", {"code": later}).status_code == 401
    # API tokens are unaffected
    assert ana.client.get("/api/v1/me").status_code == 200


def test_recovery_codes_work_once_and_say_how_many_are_left(web: Web, ana: User) -> None:
    _, codes = enrol(web.browser(ana))
    first = password_step(web, "ana@example.com")
    used = first.post("/login/two-step", {"code": codes[3].upper().replace("-", " ")})
    assert used.url.path == "/people"
    assert "Recovery code accepted. You have 9 recovery codes left." in used.text
    second = password_step(web, "ana@example.com")
    refused = second.post("/login/two-step", {"code": codes[3]})
    assert refused.status_code == 401
    assert two_factor.status(web.rapport, ana.id).recovery_left == 9


def test_turning_it_off_needs_a_code(web: Web, ana: User) -> None:
    browser = web.browser(ana)
    _, codes = enrol(browser)
    refused = browser.post("/settings/two-step/off", {"code": "abcde-fghij"})
    assert refused.status_code == 422
    assert "not right" in refused.text
    off = browser.post("/settings/two-step/off", {"code": codes[0]})
    assert off.url.path == "/settings"
    assert "Two-step sign-in is off." in off.text
    assert not two_factor.is_on(web.rapport, ana.id)
    assert Browser.signed_in(web.client(), "ana@example.com")  # the password alone again
    with unit_of_work(web.rapport.engine, write=False) as session:
        assert session.scalar(select(TwoFactor)) is None
        assert session.scalar(select(RecoveryCode)) is None


def test_the_second_step_is_rate_limited(web: Web, ana: User) -> None:
    secret, _ = enrol(web.browser(ana))
    second = password_step(web, "ana@example.com")
    for _ in range(5):
        assert second.post("/login/two-step", {"code": "000000"}).status_code == 401
    limited = second.post("/login/two-step", {"code": _code(secret, 1)})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "Too many attempts" in limited.text


def test_the_second_step_needs_a_pending_sign_in(web: Web, ana: User) -> None:
    browser = Browser(web.client(follow_redirects=False))
    assert browser.get("/login/two-step").headers["location"] == "/login"
    browser.get("/login")
    answer = browser.post("/login/two-step", {"code": "123456"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_a_code_is_accepted_once_and_only_near_now(web: Web, ana: User) -> None:
    enrolment = two_factor.start(web.rapport, ana.id)
    assert enrolment.uri == (
        f"otpauth://totp/Rapport:ana%40example.com?secret={enrolment.secret}&issuer=Rapport"
    )
    moment = dt.datetime(2026, 12, 7, 12, 0, 10, tzinfo=dt.UTC)
    totp = pyotp.TOTP(enrolment.secret)
    two_factor.confirm(web.rapport, ana.id, totp.at(moment), now=moment)
    step = dt.timedelta(seconds=30)
    assert two_factor.check(web.rapport, ana.id, totp.at(moment), now=moment) is None  # reused
    assert two_factor.check(web.rapport, ana.id, totp.at(moment + 2 * step), now=moment) is None
    ok = two_factor.check(web.rapport, ana.id, totp.at(moment + step), now=moment + step)
    assert ok is not None and not ok.by_recovery
    # an older step than the last accepted never works again, even within the drift
    later = moment + 2 * step
    assert two_factor.check(web.rapport, ana.id, totp.at(moment + step), now=later) is None
    assert two_factor.check(web.rapport, ana.id, totp.at(later), now=later) is not None


def test_the_owner_resets_it_from_the_command_line(
    web: Web, ana: User, database_url: str, tmp_path: Path
) -> None:
    _, codes = enrol(web.browser(ana))
    two_factor.check(web.rapport, ana.id, codes[0])
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    status = cli("user", "2fa", "ana@example.com")
    assert (
        "Two-step sign-in is on for ana@example.com, with 9 recovery codes left." in status.stdout
    )
    assert cli("user", "2fa", "ana@example.com", "--json").json() == {
        "email": "ana@example.com",
        "on": True,
        "recovery_codes_left": 9,
    }
    off = cli("user", "2fa", "ANA@example.com", "--off")
    assert "Two-step sign-in is now off for ana@example.com" in off.stdout
    assert not two_factor.is_on(web.rapport, ana.id)
    assert "was already off" in cli("user", "2fa", "ana@example.com", "--off").stdout
    assert Browser.signed_in(web.client(), "ana@example.com")
    missing = cli("user", "2fa", "nobody@example.com", ok=False)
    assert missing.exit_code != 0


def test_the_secret_and_the_recovery_codes_are_not_in_the_database(
    web: Web, ana: User, database_url: str
) -> None:
    secret, codes = enrol(web.browser(ana))
    with unit_of_work(web.rapport.engine, write=False) as session:
        sealed = session.scalar(select(TwoFactor.secret_sealed))
        hashes = list(session.scalars(select(RecoveryCode.code_hash)))
    assert sealed is not None and sealed.startswith("v1:")
    assert secret not in sealed
    assert len(hashes) == 10 and all(h.startswith("$argon2") for h in hashes)
    assert not any(code in h for code in codes for h in hashes)
    if database_url.startswith("sqlite"):
        web.rapport.dispose()
        path = Path(database_url.removeprefix("sqlite:///"))
        raw = b"".join(
            p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name)
        )
        assert b"ana@example.com" in raw  # the file is read
        for clear in (secret, *codes):
            assert clear.encode() not in raw
            assert clear.lower().encode() not in raw


def test_recovery_messages() -> None:
    assert (
        rules.Accepted(True, 1).message()
        == "Recovery code accepted. You have 1 recovery code left."
    )
    assert "last recovery code" in rules.Accepted(True, 0).message()
    assert rules.Accepted(False, 3).message() == ""


def test_a_network_that_requires_it_sends_its_users_to_enrolment_first(
    web: Web, ana: User, bruno: User, database_url: str, tmp_path: Path
) -> None:
    browser = web.browser(ana)
    browser.get("/settings")
    asked = browser.post("/settings/two-step/require", {"required": "1"})
    assert asked.url.path == "/settings/two-step"  # Settings itself waits for it
    assert "This network requires two-step sign-in. Turn it on to continue." in asked.text
    for path in ("/", "/people", "/settings"):
        gone = browser.client.get(path, follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"] == "/settings/two-step"
    assert ana.client.get("/api/v1/me").status_code == 200  # tokens are unaffected
    assert web.browser(bruno).get("/people").url.path == "/people"  # another network
    enrol(browser)
    assert browser.get("/people").url.path == "/people"

    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    assert cli("settings", "two-step", "--json").json() == {"require_2fa": True}
    assert "is not required" in cli("settings", "two-step", "--no-require").stdout
    unchecked = browser.post("/settings/two-step/require", {})
    assert "no longer required" in unchecked.text


def test_the_second_step_expires(web: Web, ana: User, tmp_path: Path) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from rapport.web.security import secret_key
    from rapport.web.sessions import COOKIE

    secret, _ = enrol(web.browser(ana))
    second = password_step(web, "ana@example.com")
    signer = URLSafeTimedSerializer(secret_key(tmp_path), salt="rapport.session")
    cookie = signer.loads(second.client.cookies[COOKIE])
    cookie["second_step"]["at"] -= int(rules.PENDING_FOR.total_seconds()) + 1
    (held,) = [c for c in second.client.cookies.jar if c.name == COOKIE]
    second.client.cookies.set(COOKIE, signer.dumps(cookie), domain=held.domain, path=held.path)
    late = second.post("/login/two-step", {"code": _code(secret, 1)})
    assert late.url.path == "/login"
    assert "The sign-in took too long. Enter your password again." in late.text
    assert second.get("/people").url.path == "/login"


def test_a_restored_backup_turns_it_off_for_the_accounts_it_brings(web: Web, ana: User) -> None:
    import io

    from rapport.adapters import backup as backup_file
    from rapport.services import backup

    enrol(web.browser(ana))
    with web.open(ana, write=False) as ctx:
        out = io.StringIO()
        backup.export(ctx, out)
    assert "two_factor" not in out.getvalue() and "recovery_code" not in out.getvalue()
    with web.open(ana) as ctx:
        backup.restore(ctx, backup_file.parse(out.getvalue().encode("utf-8")))
    assert not two_factor.is_on(web.rapport, ana.id)
    assert Browser.signed_in(web.client(), "ana@example.com")
