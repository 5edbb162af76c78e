"""Which passwords are refused: too short, or easy to guess (common and leaked passwords, words, names, keyboard
patterns, dates, and the person's own address or name), judged offline by zxcvbn and the lists it ships."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn's scale 0-4; 3: "safely unguessable", about 10^8 guesses or more
OWN_WORDS = ("treffpunkt", "integrationslotse", "integrationslotsin", "lotse", "passwort")


def is_easy_to_guess(password: str, own_inputs: tuple[str, ...] = ()) -> bool:
    """Whether a password is among the common or leaked ones or a small variation of them, or of the inputs."""
    words = [*OWN_WORDS, *(part for value in own_inputs if value for part in value.lower().replace("@", " ").split())]
    return zxcvbn(password, user_inputs=words)["score"] < MIN_SCORE


@cache
def _stand_in_hash() -> str:
    return generate_password_hash("no account has this password")


def spend_hashing_work(password: str) -> None:
    """Check a password against a stand-in hash: a sign-in for an unknown or passwordless account then takes as
    long as one for a real account, so the time of the answer does not tell which addresses have accounts."""
    check_password_hash(_stand_in_hash(), password)
