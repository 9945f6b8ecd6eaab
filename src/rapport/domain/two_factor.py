"""Two-step sign-in's rules: TOTP codes (RFC 6238) and recovery codes, pure.

A code is accepted for the current 30-second step or one step either side (a phone's
clock a little off, a code typed as it changes), and only for a step newer than the
last one accepted: a code seen over someone's shoulder does not work again.
Recovery codes are ten groups of random letters and digits, shown once; what the
user types is compared after dropping spaces, dashes and case."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp

ISSUER = "Rapport"
STEP_SECONDS = 30  # RFC 6238's time step, what every authenticator app uses
DRIFT_STEPS = 1  # steps either side of now still accepted
DIGITS = 6
RECOVERY_CODES = 10
# no 0/o, 1/l/i: a code copied from paper is read back right
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # 10 of 31 symbols: about 50 bits each
PENDING_FOR = dt.timedelta(minutes=5)  # the second step of a sign-in expires after this


@dataclass(frozen=True)
class Status:
    """Whether an account signs in with two steps, and how many recovery codes remain."""

    on: bool
    recovery_left: int
    since: dt.datetime | None = None


@dataclass(frozen=True)
class Enrolment:
    """What the authenticator app needs: the secret (as the QR code's otpauth URI and
    in groups of four for typing)."""

    secret: str
    uri: str

    @property
    def secret_for_typing(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


@dataclass(frozen=True)
class Accepted:
    """A second step that succeeded: by an app's code or by a recovery code (then how
    many are left)."""

    by_recovery: bool
    recovery_left: int

    def message(self) -> str:
        if not self.by_recovery:
            return ""
        left = self.recovery_left
        if left == 0:
            return (
                "You used your last recovery code. Turn two-step sign-in off and on again "
                "in Settings to get new ones."
            )
        codes = "recovery code" if left == 1 else "recovery codes"
        return f"Recovery code accepted. You have {left} {codes} left."


def new_secret() -> str:
    """A fresh shared secret: 32 base32 characters (160 bits, RFC 4226's advice)."""
    return pyotp.random_base32(32)


def enrolment(secret: str, account: str) -> Enrolment:
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )
    return Enrolment(secret, uri)


def step_of(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def clean(code: str) -> str:
    """What was typed, without spaces, dashes and case."""
    return re.sub(r"[\s\-]", "", code).lower()


def looks_like_app_code(code: str) -> bool:
    return bool(re.fullmatch(rf"\d{{{DIGITS}}}", clean(code)))


def accepted_step(secret: str, code: str, now: dt.datetime, last_step: int | None) -> int | None:
    """The step `code` is right for, within the drift and newer than `last_step`;
    None when it is wrong, too old, or already used."""
    typed = clean(code)
    if not looks_like_app_code(typed):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Fresh recovery codes, written as two groups of five ("k7m2p-xq9ra")."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes
