"""Let training admins (培训管理员) manage synonyms and promoted results and read the
zero-result report; trainers may edit synonyms too (they know the customers' words)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER = [
    ("home", "add_searchsynonym"),
    ("home", "change_searchsynonym"),
    ("home", "view_searchsynonym"),
]
TRAINING_ADMIN = TRAINER + [
    ("home", "delete_searchsynonym"),
    ("home", "view_zeroresultquery"),
    ("wagtailsearchpromotions", "add_searchpromotion"),
    ("wagtailsearchpromotions", "change_searchpromotion"),
    ("wagtailsearchpromotions", "delete_searchpromotion"),
    ("wagtailsearchpromotions", "view_searchpromotion"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for name, perms in (("讲师", TRAINER), ("培训管理员", TRAINING_ADMIN)):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label__in={app for app, _ in perms},
                codename__in=[codename for _, codename in perms],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_searchsynonym_zeroresultquery"),
        ("accounts", "0002_roles_and_review_workflow"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
