"""Validators for text editors type into site settings."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: A US phone number a reader can call: the 988 Suicide & Crisis Lifeline, an
#: N11 service code such as 911, or a 10-digit NANP number, optionally with +1 and the
#: usual separators, e.g. "988", "1-800-273-8255", "(800) 273 8255", "+1 800.273.8255".
PHONE_NUMBER_RE = re.compile(
    r"(?<![\w+])(?:988|[2-9]11|(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4})(?!\w)"
)


def phone_digits(number):
    """The digits of ``number`` (a match of :data:`PHONE_NUMBER_RE`), for a ``tel:`` link."""
    return re.sub(r"[^\d+]", "", number)


def validate_holds_phone_number(text):
    """Raise ``ValidationError`` (code ``no_phone_number``) unless ``text`` holds a phone
    number a reader in crisis can call (:data:`PHONE_NUMBER_RE`): a crisis-line text that
    lost its number in an edit must not reach readers."""
    if not PHONE_NUMBER_RE.search(text or ""):
        raise ValidationError(
            _("Keep a phone number readers can call in this text, e.g. 988 or 1-800-273-8255."),
            code="no_phone_number",
        )
