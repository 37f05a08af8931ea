"""The self-service page where staff turn on their second factor (``/admin/two-factor/``).

Turning it on: the page shows a QR code of the ``otpauth://`` URL (Google Authenticator's
Key URI Format, https://github.com/google/google-authenticator/wiki/Key-Uri-Format) drawn
as inline SVG by segno (no image request, so the CSP needs nothing new) and the secret in
base32 for typing in; a code from the app confirms it. Then ten backup codes are shown,
once. The session counts as signed in with the second factor from then on.
"""

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .two_factor import new_backup_codes, requires_second_factor

APP_DEVICE_NAME = "Authenticator app"
TEMPLATE = "admin/two_factor.html"


class ConfirmForm(forms.Form):
    """The six-digit code that proves the app holds the secret."""

    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Code from the app",
        error_messages={"invalid": "Enter the six digits the app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline ``<svg>`` element (segno, error correction M)."""
    return segno.make(url, error="m").svg_inline(scale=5, omitsize=False)


def _context(request: HttpRequest, **extra) -> dict:
    user = request.user
    return {
        **admin.site.each_context(request),
        "title": "Two-step sign-in",
        "required": requires_second_factor(user),
        "verified": user.is_verified(),
        "backup_codes_left": StaticToken.objects.filter(device__user=user).count(),
        **extra,
    }


def _enrol_context(request: HttpRequest, device: TOTPDevice, form: ConfirmForm) -> dict:
    return _context(
        request,
        device=device,
        form=form,
        qr_svg=_qr_svg(device.config_url),
        secret=b32encode(device.bin_key).decode(),
    )


@transaction.atomic
def _two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        codes = None
        if request.method == "POST" and request.POST.get("action") == "new-codes":
            codes = new_backup_codes(user)
        elif (
            request.method == "POST"
            and request.POST.get("action") == "turn-off"
            and not requires_second_factor(user)
        ):
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            return TemplateResponse(request, TEMPLATE, _context(request, turned_off=True))
        return TemplateResponse(request, TEMPLATE, _context(request, enabled=True, codes=codes))

    # A secret shown but not yet confirmed is kept, so reloading the page keeps the QR code.
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": APP_DEVICE_NAME}
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            codes = new_backup_codes(user)
            return TemplateResponse(request, TEMPLATE, _context(request, enabled=True, codes=codes))
        form.add_error("code", "That code is not right. Check the time on your phone and try the next one.")
    return TemplateResponse(request, TEMPLATE, _enrol_context(request, device, form))


# Staff only, signed in (the admin's own guard: anyone else goes to the admin's login page).
two_factor = admin.site.admin_view(_two_factor)
