"""Trainers read learning-path enrolments and assignments and sign off practical
tasks; training admins also manage assignments, set mentors and read reminders."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER = [
    ("courses", "view_pathenrollment"),
    ("courses", "view_assignment"),
    ("courses", "add_stagesignoff"),
    ("courses", "view_stagesignoff"),
]
TRAINING_ADMIN = TRAINER + [
    ("courses", "add_assignment"),
    ("courses", "change_assignment"),
    ("courses", "delete_assignment"),
    ("courses", "change_pathenrollment"),
    ("courses", "view_reminderlog"),
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
                content_type__app_label="courses",
                codename__in=[codename for _, codename in perms],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0009_paths_assignments"),
        ("accounts", "0002_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
