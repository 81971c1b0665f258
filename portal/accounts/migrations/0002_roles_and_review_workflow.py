"""Create the four role groups with their Wagtail permissions and the review workflow.

- 客户 and 客服人员: no admin access; 客服人员 opens staff-only pages (view restrictions).
- 讲师: admin access; add and edit pages (not publish), documents and images.
- 培训管理员: everything a trainer has, plus publish, users, organisations and settings;
  approves the "培训资料审核" workflow that guards the whole site tree, so a trainer's
  change goes live only after a training admin approves it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER_PAGE = ["add_page", "change_page", "lock_page"]
ADMIN_PAGE = TRAINER_PAGE + ["publish_page", "unlock_page", "bulk_delete_page"]
TRAINER_COLLECTION = [
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
]
ADMIN_COLLECTION = TRAINER_COLLECTION + [
    ("wagtaildocs", "delete_document"),
    ("wagtailimages", "delete_image"),
]
TRAINER_MODEL = [
    ("wagtailadmin", "access_admin"),
    ("home", "add_faqcategory"),
    ("home", "change_faqcategory"),
    ("home", "view_faqcategory"),
    ("home", "add_productcategory"),
    ("home", "change_productcategory"),
    ("home", "view_productcategory"),
]
ADMIN_MODEL = TRAINER_MODEL + [
    ("home", "delete_faqcategory"),
    ("home", "delete_productcategory"),
    ("home", "change_sitefootersettings"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_user"),
    ("accounts", "add_organisation"),
    ("accounts", "change_organisation"),
    ("accounts", "delete_organisation"),
    ("accounts", "view_organisation"),
    ("wagtailredirects", "add_redirect"),
    ("wagtailredirects", "change_redirect"),
    ("wagtailredirects", "delete_redirect"),
]


def _permission(Permission, app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    home = Page.objects.get(depth=2, slug="home")
    root_collection = Collection.objects.get(depth=1)

    for name in ("客户", "客服人员"):
        Group.objects.get_or_create(name=name)

    for name, page_perms, collection_perms, model_perms in (
        ("讲师", TRAINER_PAGE, TRAINER_COLLECTION, TRAINER_MODEL),
        ("培训管理员", ADMIN_PAGE, ADMIN_COLLECTION, ADMIN_MODEL),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=_permission(Permission, "wagtailcore", codename),
            )
        for app_label, codename in collection_perms:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=_permission(Permission, app_label, codename),
            )
        group.permissions.add(
            *[_permission(Permission, app, codename) for app, codename in model_perms]
        )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task, _ = GroupApprovalTask.objects.get_or_create(
        name="培训管理员审核", defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([Group.objects.get(name="培训管理员")])
    workflow, _ = Workflow.objects.get_or_create(name="培训资料审核", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


def remove_roles(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name="培训资料审核").delete()
    apps.get_model("wagtailcore.Task").objects.filter(name="培训管理员审核").delete()
    apps.get_model("auth.Group").objects.filter(
        name__in=["客户", "客服人员", "讲师", "培训管理员"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("home", "0002_create_homepage"),
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
