"""The admin for Marketing: who signed up (with each sign-up's history) and the form's copy."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from isha.singletons import SingletonModelAdmin

from .emails import normalize_email
from .models import SignupEvent, SignupFormCopy, Subscriber


class SignupEventInline(admin.TabularInline):
    """A subscriber's sign-ups, newest first. History is a record: nobody edits it."""

    model = SignupEvent
    fields = ("created_at", "path", "article")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        # Each row prints the event (its subscriber) and links its article.
        return super().get_queryset(request).select_related("subscriber", "article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubscriberAdminForm(forms.ModelForm):
    """Keeps ``email_normalized`` in step with an edited address.

    The database's case-insensitive unique constraint is on ``email_normalized``, which
    the form does not show, so model validation would skip it; checking here turns a
    duplicate into a field error instead of an IntegrityError.
    """

    class Meta:
        model = Subscriber
        fields = ("email",)

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            normalized = normalize_email(email)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc
        others = Subscriber.objects.filter(email_normalized__iexact=normalized)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("This address is already on the list."), code="unique")
        self.instance.email_normalized = normalized
        return email


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberAdminForm
    list_display = ("email", "created_at", "source_path", "source_article")
    list_filter = ("created_at", ("source_article", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("source_article",)
    search_fields = ("email",)
    date_hierarchy = "created_at"
    # Where and when someone signed up is recorded by the sign-up itself.
    readonly_fields = ("email_normalized", "created_at", "source_path", "source_article")
    fields = ("email", "email_normalized", "created_at", "source_path", "source_article")
    inlines = [SignupEventInline]


@admin.register(SignupFormCopy)
class SignupFormCopyAdmin(SingletonModelAdmin):
    """There is exactly one copy row: no add once it exists, no delete, no list."""

    fieldsets = [
        (None, {"fields": ("heading", "intro", "button_label")}),
        (_("Messages"), {"fields": ("success_message", "error_message")}),
        (None, {"fields": ("modified_at",)}),
    ]
    readonly_fields = ("modified_at",)

