"""Phone numbers compared by their E.164 form (phonenumbers)."""

from __future__ import annotations

import re

from rapport.errors import Invalid

_DIGITS = re.compile(r"\D+")


def phone_key(number: str, region: str | None = None) -> str:
    """E.164 ('+33612345678') when the number can be read, else its digits; Invalid
    when there are no digits at all. `region` (ISO 3166, 'FR') reads local numbers."""
    raw = number.strip()
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    digits = _DIGITS.sub("", raw)
    if len(digits) < 3:
        raise Invalid("phone", f"{number!r} is not a phone number")
    import phonenumbers

    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return ("+" if raw.startswith("+") else "") + digits
    if phonenumbers.is_possible_number(parsed):
        return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return ("+" if raw.startswith("+") else "") + digits
