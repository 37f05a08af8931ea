"""Admin permission rules shared by the models whose rows every live page shows."""

PUBLISH_PERMISSION = "articles.publish_article"


class PublishersChangeMixin:
    """For a ``ModelAdmin`` of something every live page shows without a publisher's
    say (the site-wide disclosure, a reviewer's credentials): adding, changing and
    deleting also need ``articles.publish_article``, so Editors, who hold the model's
    own permissions, see it read only. Viewing keeps the model's view permission."""

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and request.user.has_perm(PUBLISH_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm(PUBLISH_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and request.user.has_perm(PUBLISH_PERMISSION)
