"""The secrets in emailed links: confirmation tokens and unsubscribe tokens.

A confirmation token is the subscriber's current confirmation nonce (random, stored on
the row) signed with a timestamp (``django.core.signing.TimestampSigner``): the
signature makes it unforgeable, the timestamp makes it expire after
``SIGNUP_CONFIRM_MAX_AGE_DAYS``, and confirming clears the nonce, so each link works
once. It holds neither the address nor the row id.

An unsubscribe token is a random per-subscriber secret (``Subscriber.unsubscribe_token``)
that never expires, so the link in an old email keeps working (RFC 8058 one-click).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

from .models import Subscriber

CONFIRM_SALT = "signups.confirm"
MAX_TOKEN_LENGTH = 200


class BadToken(Exception):
    """The token is malformed or its signature does not match: nobody can be identified."""


class UsedToken(Exception):
    """The signature is good but the link was already used or replaced (nonce gone)."""


class ExpiredToken(Exception):
    """The signature is good but older than the limit; ``subscriber`` is whom it was for.

    ``subscriber`` is ``None`` when the link was also used or replaced.
    """

    def __init__(self, subscriber):
        super().__init__("confirmation link expired")
        self.subscriber = subscriber


def _signer():
    return signing.TimestampSigner(salt=CONFIRM_SALT)


def max_age():
    return timedelta(days=settings.SIGNUP_CONFIRM_MAX_AGE_DAYS)


def make_confirmation_token(subscriber):
    """Return a fresh confirmation token (str, URL-safe) for ``subscriber``.

    The subscriber must have a confirmation nonce (every pending subscriber does).
    Raises ``ValueError`` otherwise.
    """
    if not subscriber.confirmation_nonce:
        raise ValueError("This subscriber has nothing to confirm.")
    return _signer().sign(subscriber.confirmation_nonce)


def _pending_with_nonce(nonce):
    return Subscriber.objects.filter(confirmation_nonce=nonce, status=Subscriber.Status.PENDING).first()


def read_confirmation_token(token):
    """Return the pending :class:`Subscriber` that ``token`` confirms.

    Raises :class:`BadToken` (tampered or malformed), :class:`ExpiredToken` (older than
    ``SIGNUP_CONFIRM_MAX_AGE_DAYS``) or :class:`UsedToken` (already used, or the person
    is no longer pending). Never changes anything.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadToken
    try:
        nonce = _signer().unsign(token, max_age=max_age())
    except signing.SignatureExpired:
        nonce = _signer().unsign(token)
        raise ExpiredToken(_pending_with_nonce(nonce)) from None
    except signing.BadSignature:
        raise BadToken from None
    subscriber = _pending_with_nonce(nonce)
    if subscriber is None:
        raise UsedToken
    return subscriber


def subscriber_for_unsubscribe_token(token):
    """Return the :class:`Subscriber` whose unsubscribe token is ``token``, or ``None``.

    Erased subscribers have none: erasure replaces the token.
    """
    if not token or len(token) > 64:
        return None
    return Subscriber.objects.filter(unsubscribe_token=token).exclude(status=Subscriber.Status.ERASED).first()
