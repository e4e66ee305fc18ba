"""A password validator Django does not ship: an upper bound on the length.

Django bounds every other field, but not passwords: a 10,000-character one was accepted at sign-up and hashed.
Listed in AUTH_PASSWORD_VALIDATORS, so sign-up, password change and reset all refuse it as a form error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# NIST SP 800-63B asks for at least 64 characters to be allowed; pass phrases and password managers fit in 128.
MAX_PASSWORD_LENGTH = 128


class MaximumLengthValidator:
    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password can’t be longer than %(max_length)d characters.") % {"max_length": self.max_length}
