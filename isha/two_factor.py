"""Staff's second factor: TOTP (RFC 6238) with backup codes, on django-otp.

Staff turn it on themselves at ``/admin/two-factor/`` (``isha.two_factor_views``). Once
on, the admin's sign-in form asks for a code from the authenticator app, or one of the
backup codes, after the password. With ``ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA``, staff
who can see subscribers' addresses (the ``signups.view_subscriber`` permission; every
superuser) are sent to the enrolment page until they have signed in with a second factor.
django-otp: https://django-otp-official.readthedocs.io/en/stable/
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# A string, not an import: isha imports no app.
SUBSCRIBER_DATA_PERMISSION = "signups.view_subscriber"
BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "Backup codes"


def requires_second_factor(user) -> bool:
    """True when ``ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA`` is on and ``user`` is staff who
    can see subscribers' addresses."""
    return bool(
        settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA
        and user.is_authenticated
        and user.is_staff
        and user.has_perm(SUBSCRIBER_DATA_PERMISSION)
    )


def new_backup_codes(user) -> list[str]:
    """Replace ``user``'s backup codes with :data:`BACKUP_CODE_COUNT` new single-use ones
    (10 lowercase base32 characters each, django-otp's ``StaticToken.random_token``);
    returns them, the only time they can be shown."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _device_for(user, code: str):
    """The confirmed device a code is for: six digits are the app's, anything else a backup code."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.select_for_update().filter(user=user, confirmed=True).first()


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form with an optional code field, required once the user has
    turned on a second factor. Raises the usual ``ValidationError``: a wrong or missing
    code is a form error after a right password. The verified device goes on
    ``user.otp_device``, which django-otp stores in the session at login.

    django-otp throttles each device itself (each failure doubles the wait), so codes
    cannot be guessed at speed.
    """

    otp_token = forms.CharField(
        label="Code from your authenticator app (or a backup code)",
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
        help_text="Only if you have turned on two-step sign-in.",
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not user_has_device(user):
            return cleaned
        code = "".join(self.cleaned_data.get("otp_token", "").split()).lower()
        if not code:
            raise forms.ValidationError(
                "Enter the code from your authenticator app, or a backup code.", code="token_required"
            )
        with transaction.atomic():
            device = _device_for(user, code)
            if device is None or not device.verify_token(code):
                raise forms.ValidationError(
                    "That code is not right, or was used already. Wait for a new one and try again.",
                    code="invalid_token",
                )
        user.otp_device = device
        return cleaned


class RequireSecondFactorMiddleware:
    """Sends staff who must use a second factor (:func:`requires_second_factor`) but have
    not signed in with one to the enrolment page, from any admin page except that one and
    signing out. Goes after django-otp's ``OTPMiddleware`` (it reads ``user.is_verified()``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path first: reading request.user opens the session, and a public page that
        # touched the session would vary by cookie and miss the page cache.
        if (
            settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA
            and request.path.startswith(reverse("admin:index"))
            and requires_second_factor(request.user)
            and not request.user.is_verified()
        ):
            allowed = (reverse("two-factor"), reverse("admin:logout"), reverse("admin:jsi18n"))
            if request.path not in allowed:
                return redirect("two-factor")
        return self.get_response(request)
