"""The sign-ups app's models, one module per part of the domain.

- :mod:`.subscribers`: :class:`Subscriber` and its history (:class:`SignupEvent`);
- :mod:`.form_copy`: the texts Marketing edits (:class:`SignupFormCopy`) and the versions
  visitors consented to (:class:`SignupFormCopyVersion`), with their launch defaults;
- :mod:`.erasures`: :class:`ErasedAddress` and :class:`ErasureLog`;
- :mod:`.exports`: :class:`ExportLog`;
- :mod:`.export_jobs`: :class:`ExportJob` (exports made in the background);
- :mod:`.retention`: :class:`RetentionSettings` and :class:`ExpiredSignupCount`.

Everything is importable from ``signups.models``; migrations refer to
``signups.models.new_token``.
"""

from .erasures import ErasedAddress, ErasureLog
from .export_jobs import ExportJob
from .exports import ExportLog
from .form_copy import DEFAULTS, SignupFormCopy, SignupFormCopyVersion
from .retention import ExpiredSignupCount, RetentionSettings
from .subscribers import SignupEvent, Subscriber, new_token

DEFAULT_HEADING = DEFAULTS["heading"]
DEFAULT_SUCCESS = DEFAULTS["success_message"]
DEFAULT_ERROR = DEFAULTS["error_message"]
DEFAULT_CHECK_INBOX = DEFAULTS["check_inbox_message"]

__all__ = [
    "DEFAULTS",
    "DEFAULT_CHECK_INBOX",
    "DEFAULT_ERROR",
    "DEFAULT_HEADING",
    "DEFAULT_SUCCESS",
    "ErasedAddress",
    "ErasureLog",
    "ExpiredSignupCount",
    "ExportJob",
    "ExportLog",
    "RetentionSettings",
    "SignupEvent",
    "SignupFormCopy",
    "SignupFormCopyVersion",
    "Subscriber",
    "new_token",
]
