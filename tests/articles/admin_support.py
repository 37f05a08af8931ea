"""Helpers for the admin tests: posting a form as a browser would, and reading its errors."""

from html.parser import HTMLParser

from django.contrib.auth.models import Group
from django.urls import reverse


def staff_in(group_name, django_user_model, username):
    user = django_user_model.objects.create_user(
        username=username, password="x", is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


ADD_URL = "admin:articles_article_add"


class _FormFields(HTMLParser):
    """Collects what a browser would submit from the page's ``<form id="article_form">``."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = None
        self._select_options = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = [name, ""]
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
            self._select_options = []
        elif tag == "option" and self._select:
            self._select_options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None


def form_data(response, form_id="article_form", **changes):
    """The POST a browser would send for the form in ``response``, with ``changes`` applied.

    A change whose value is ``None`` removes the field (an unticked checkbox).
    """
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    data["_save"] = "Save"
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def error_text(response):
    """Every error message on an admin form page, as one string."""
    context = response.context
    form = context["adminform"].form
    messages = [str(message) for errors in form.errors.values() for message in errors]
    for inline in context.get("inline_admin_formsets", []):
        messages += [str(message) for message in inline.formset.non_form_errors()]
        for errors in inline.formset.errors:
            messages += [str(message) for field_errors in errors.values() for message in field_errors]
    return " ".join(messages)
