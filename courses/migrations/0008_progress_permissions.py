"""Training admins read every learner's enrolments and lesson progress in the admin
(学习进度); trainers read the enrolments of the courses they can edit."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER = [
    ("courses", "view_enrollment"),
]
TRAINING_ADMIN = TRAINER + [
    ("courses", "view_lessonprogress"),
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
        ("courses", "0007_progress"),
        ("accounts", "0002_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
