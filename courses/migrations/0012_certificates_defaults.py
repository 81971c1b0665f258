"""The default certificate design, and who may manage certificates: training admins
manage templates, certificates and trainer qualifications; trainers read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER = [
    ("courses", "view_certificate"),
    ("courses", "view_certificatetemplate"),
    ("courses", "view_trainerqualification"),
]
TRAINING_ADMIN = TRAINER + [
    ("courses", "add_certificate"),
    ("courses", "change_certificate"),
    ("courses", "add_certificatetemplate"),
    ("courses", "change_certificatetemplate"),
    ("courses", "delete_certificatetemplate"),
    ("courses", "add_trainerqualification"),
    ("courses", "change_trainerqualification"),
    ("courses", "delete_trainerqualification"),
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


def default_template(apps, schema_editor):
    CertificateTemplate = apps.get_model("courses.CertificateTemplate")
    if not CertificateTemplate.objects.exists():
        CertificateTemplate.objects.create(
            name="标准结业证书",
            title="结业证书",
            issuer="师傅学习平台",
            is_default=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_certificates"),
        ("accounts", "0002_roles_and_review_workflow"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(default_template, migrations.RunPython.noop),
    ]
