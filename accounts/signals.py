"""Keeps the admin groups of staff and moderators present with their model permissions."""

from django.apps import apps as global_apps

GROUP_PERMISSIONS = {
    "platform-staff": [
        ("accounts", "user", ["view", "change"]),
        ("territories", "territory", ["view", "add", "change"]),
        ("territories", "theme", ["view", "add", "change"]),
        ("workspace", "workspace", ["view"]),
        ("events", "activity", ["view"]),
    ],
    "platform-moderators": [
        ("accounts", "user", ["view"]),
    ],
}


def ensure_admin_groups(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    for name, grants in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        codenames = []
        for app_label, model, actions in grants:
            codenames += [(app_label, f"{action}_{model}") for action in actions]
        perms = [
            perm
            for app_label, codename in codenames
            for perm in Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
        ]
        group.permissions.add(*perms)
