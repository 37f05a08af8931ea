"""Staff roles as Django groups, kept in step with the apps' permissions."""


def ensure_group(name, app_label, models, actions=("add", "change", "delete", "view"), extra=()):
    """Create group ``name`` if missing and give it permissions on ``models``.

    ``models`` are lower-case model names of ``app_label``; ``actions`` the default
    permission verbs to grant on each; ``extra`` further permission codenames of the
    app (custom permissions). Permissions the group already has are kept, so a site
    that granted more by hand keeps it. Returns the group.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=name)
    codenames = [f"{action}_{model}" for model in models for action in actions] + list(extra)
    permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*permissions)
    return group
