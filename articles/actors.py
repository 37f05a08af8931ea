"""Who changes an article: a signed-in user, checked for a permission, or the system.

The system is ``actor=None``. It may act only inside :func:`system_actor`, which
management commands and data migrations enter and no view does, so a request can never
act as the system, even if it passes ``None`` by mistake: :func:`require` refuses it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

type Actor = AbstractUser | AnonymousUser | None

_system_name: ContextVar[str | None] = ContextVar("articles_system_actor", default=None)


@contextmanager
def system_actor(name: str) -> Iterator[None]:
    """Let ``actor=None`` stand for the system inside the block, recorded as "system (``name``)".

    For management commands (``name``: the command's name) and data migrations only. The
    context belongs to the thread or task that enters it (``contextvars``), so requests
    served meanwhile by other threads are unaffected. Raises ``ValueError`` for an empty
    name.
    """
    if not name:
        raise ValueError("system_actor() needs the command's name")
    token = _system_name.set(name)
    try:
        yield
    finally:
        _system_name.reset(token)


def may(actor: Actor, permission: str) -> bool:
    """True when ``actor`` holds ``permission`` ("app_label.codename"); the system holds
    every permission inside :func:`system_actor` and none outside it."""
    if actor is None:
        return _system_name.get() is not None
    return actor.has_perm(permission)


def require(actor: Actor, permission: str, doing: str) -> None:
    """Raise ``PermissionDenied``, naming the actor and ``doing`` (e.g. "publish articles"),
    unless :func:`may` says ``actor`` holds ``permission``."""
    if may(actor, permission):
        return
    if actor is None:
        raise PermissionDenied(
            _("No user to %(doing)s: only management commands and migrations act as the system.")
            % {"doing": doing}
        )
    raise PermissionDenied(
        _("%(user)s may not %(doing)s (that needs the “%(permission)s” permission).")
        % {"user": display_name(actor), "doing": doing, "permission": permission}
    )


def history_reason(actor: Actor, reason: str = "") -> str | None:
    """The change reason to record for ``actor``'s change: ``reason``, followed by
    "system (<command>)" for the system; at most 100 characters (django-simple-history's
    ``history_change_reason`` column), ``None`` when there is nothing to say."""
    if actor is None:
        system = _("system (%(name)s)") % {"name": _system_name.get()}
        reason = f"{reason}; {system}" if reason else system
    return reason[:100] or None


def display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """How messages name ``user``: full name, else username ("someone (not signed in)"
    for no user or an anonymous one)."""
    if user is None or not user.is_authenticated:
        return _("someone (not signed in)")
    full_name = getattr(user, "get_full_name", None)
    return (full_name() if full_name else "") or user.get_username()
