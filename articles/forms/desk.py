"""The action bar's part of the article form: which move was pressed, the scheduled time
and the note for the editor, checked before anything is saved so a refused move shows a
form error and keeps everything typed."""

from datetime import MAXYEAR, UTC

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .._publishing_checks import check_sign_off
from ..models import Article
from ..workflow import Move, State, moves_for, state_of

#: The value of ``<input type="datetime-local">`` (HTML Living Standard, "local date and
#: time string"), without seconds as the picker sends it, or with them.
PICKER_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ScheduleForm(forms.Form):
    """The picker's time, read in the site's zone (``settings.TIME_ZONE``).

    Django's ``DateTimeField`` refuses a wall time that zone skips (a daylight-saving gap)
    or repeats (the hour after it) with a "may be ambiguous or may not exist" error.
    """

    desk_at = forms.DateTimeField(
        label=_("Publish at"), input_formats=PICKER_FORMATS, error_messages={"required": _("Choose a time.")}
    )

    def clean_desk_at(self):
        at = self.cleaned_data["desk_at"]
        try:
            # The last day of year 9999 overflows Python's datetime once converted to UTC
            # (west of Greenwich) or shown in a zone east of it: refuse it as a form error.
            in_range = at.astimezone(UTC).year < MAXYEAR
        except OverflowError:
            in_range = False
        if not in_range:
            raise ValidationError(_("Choose a time before the year %(year)s.") % {"year": MAXYEAR})
        if at <= timezone.now():
            raise ValidationError(_("Choose a time in the future; to publish now, use Publish."))
        return at

    def full_clean(self):
        with timezone.override(settings.TIME_ZONE):
            super().full_clean()


class NoteForm(forms.Form):
    """The note sent back with an article: required, and without NUL characters, which
    PostgreSQL refuses in text (Django's ``ProhibitNullCharactersValidator``)."""

    desk_note = forms.CharField(
        label=_("Note for the editor"),
        error_messages={"required": _("Write a note telling the editor what to change.")},
    )


class DeskFormMixin:
    """Mixed into the admin's article form: reads the action bar's ``_desk`` button,
    ``desk_at`` and ``desk_note``. After ``is_valid()``, :attr:`desk_move` is the
    :class:`Move` pressed (``None`` for the form's own Save buttons), :attr:`desk_at` the
    aware scheduled time and :attr:`desk_note` the note; :attr:`desk_errors` lists the
    action bar's errors, also added to the form's non-field errors."""

    desk_move = None
    desk_at = None
    desk_note = ""
    desk_errors: list = []

    def clean(self):
        cleaned = super().clean()
        self.desk_errors = []
        pressed = self.data.get("_desk")
        if not pressed:
            stored = self.stored or {}
            if cleaned.get("status") == Article.Status.PUBLISHED != stored.get("status"):
                # A publish carried by the status field itself (a page from before the bar,
                # or a crafted POST): the service would refuse it after the form, as a 500.
                self._check_sign_off(self._stored_article(), cleaned)
            return cleaned
        try:
            self.desk_move = Move(pressed)
        except ValueError:
            self._desk_error(_("That button is not part of the workflow."))
            return cleaned
        stored = self._stored_article()
        state = state_of(stored) if stored else State.DRAFT
        if self.desk_move not in moves_for(state, self.user):
            self._desk_error(
                _("You may not do that to an article that is %(state)s.") % {"state": state.label}
            )
            return cleaned
        self._check_move(state, stored, cleaned)
        return cleaned

    def _check_move(self, state, stored, cleaned):
        if self.desk_move == Move.SCHEDULE:
            schedule = ScheduleForm({"desk_at": self.data.get("desk_at", "")})
            if not schedule.is_valid():
                for error in schedule.errors["desk_at"]:
                    self._desk_error(error)
                return
            self.desk_at = schedule.cleaned_data["desk_at"]
        if self.desk_move == Move.BACK_TO_DRAFT and state == State.IN_REVIEW:
            note = NoteForm({"desk_note": self.data.get("desk_note") or ""})
            if not note.is_valid():
                for error in note.errors["desk_note"]:
                    self._desk_error(error)
                return
            self.desk_note = note.cleaned_data["desk_note"]
        if self.desk_move in (Move.PUBLISH, Move.SCHEDULE):
            self._check_sign_off(stored, cleaned)

    def _stored_article(self):
        return Article.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None

    def _check_sign_off(self, stored, cleaned):
        going_out = Article(
            body=cleaned.get("body", stored.body if stored else ""),
            reviewed_at=stored.reviewed_at if stored else None,
            reviewed_body_hash=stored.reviewed_body_hash if stored else "",
        )
        try:
            check_sign_off(going_out)
        except ValidationError as error:
            self._desk_error(error.messages[0])

    def _desk_error(self, message):
        self.desk_errors.append(message)
        self.add_error(None, message)
