"""``manage.py import_staff``: encodings, bad rows by line, re-runs, dry runs."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import Role
from portal.accounts.selectors import user_role

GOOD = (
    "工号,姓名,邮箱,手机,部门,角色\n"
    "KF-9001,陈静,chen.jing@example.com,138 0013 8001,客服一部（导入）,客服人员\n"
    "KF-9002,刘洋,Liu.Yang@Example.com,+86 139-0013-8002,客服一部（导入）,\n"
    "JS-9003,赵敏,zhao.min@example.com,,技术支持部（导入）,讲师\n"
)
WITH_BAD_ROWS = (
    "工号,姓名,邮箱,手机,部门,角色\n"  # line 1
    "KF-9101,孙丽,sun.li@example.com,13700138003,培训部（导入）,培训管理员\n"  # 2 good
    ",无工号,nobody@example.com,,,\n"  # 3 missing 工号
    "KF-9102,周强,not-an-address,,,\n"  # 4 bad e-mail
    "KF-9103,吴芳,wu.fang@example.com,,,店长\n"  # 5 unknown role
    "\n"  # 6 blank, skipped
    "KF-9101,孙丽二号,sun.li2@example.com,,,\n"  # 7 duplicate 工号
    "KF-9104,郑伟,taken@example.com,,,\n"  # 8 e-mail of another person
    "KF-9105,王芳,wang.fang@example.com,12345,,\n"  # 9 bad phone
    "KF-9106,冯军,feng.jun@example.com,,,讲师\n"  # 10 good
)


def _run(path, *args):
    """Run the command; returns (stdout, stderr, exit status)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_staff", str(path), *args, stdout=stdout, stderr=stderr)
    except CommandError as error:
        stderr.write(str(error))
        return stdout.getvalue(), stderr.getvalue(), error.returncode
    return stdout.getvalue(), stderr.getvalue(), 0


@pytest.fixture
def utf8_file(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    return path


@pytest.fixture
def gbk_file_with_bad_rows(tmp_path):
    path = tmp_path / "staff_gbk.csv"
    path.write_bytes(WITH_BAD_ROWS.encode("gbk"))
    return path


@pytest.mark.django_db
def test_utf8_file_with_bom_imports_everyone(utf8_file):
    stdout, stderr, status = _run(utf8_file)

    assert status == 0
    assert stderr == ""
    assert "新增 3 人，更新 0 人，跳过 0 行" in stdout
    chen = Profile.objects.select_related("user", "organisation").get(
        employee_number="KF-9001"
    )
    assert chen.display_name == "陈静"
    assert chen.phone == "13800138001"
    assert chen.organisation.name == "客服一部（导入）"
    assert chen.organisation.kind == Organisation.Kind.DEPARTMENT
    assert chen.user.username == "KF-9001"
    assert chen.user.email == "chen.jing@example.com"
    assert chen.user.is_active
    assert not chen.user.has_usable_password()
    assert user_role(user=chen.user) == Role.STAFF
    liu = Profile.objects.get(employee_number="KF-9002")
    assert liu.user.email == "liu.yang@example.com"
    assert user_role(user=liu.user) == Role.STAFF  # blank role: 客服人员
    assert (
        user_role(user=Profile.objects.get(employee_number="JS-9003").user)
        == Role.TRAINER
    )


@pytest.mark.django_db
def test_gbk_file_reports_bad_rows_by_line_and_imports_the_good_ones(
    gbk_file_with_bad_rows, make_person
):
    make_person("someone-else", email="taken@example.com")

    stdout, stderr, status = _run(gbk_file_with_bad_rows)

    assert status == 1
    assert "新增 2 人，更新 0 人，跳过 6 行" in stdout
    assert "第 3 行：缺少工号。" in stderr
    assert "第 4 行：邮箱 not-an-address 格式不正确。" in stderr
    assert "第 5 行：未知角色“店长”" in stderr
    assert "第 6 行" not in stderr
    assert "第 7 行：工号 KF-9101 与第 2 行重复。" in stderr
    assert "第 8 行：邮箱 taken@example.com 已被其他账号使用" in stderr
    assert "第 9 行：手机号 12345 不是有效的中国大陆手机号。" in stderr
    assert "有 6 行未导入" in stderr
    imported = set(
        Profile.objects.filter(employee_number__startswith="KF-91").values_list(
            "employee_number", flat=True
        )
    )
    assert imported == {"KF-9101", "KF-9106"}
    assert user_role(user=Profile.objects.get(employee_number="KF-9101").user) == (
        Role.TRAINING_ADMIN
    )


@pytest.mark.django_db
def test_rerun_updates_instead_of_duplicating(utf8_file, tmp_path):
    _run(utf8_file)
    users_before = get_user_model().objects.count()
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "employee_number,name,email,phone,department,role\n"
        "kf-9001,陈静（改）,chen.jing.new@example.com,,客服二部（导入）,讲师\n"
        "KF-9002,刘洋,liu.yang@example.com,,,\n",
        encoding="utf-8",
    )

    stdout, _stderr, status = _run(changed)

    assert status == 0
    assert "新增 0 人，更新 2 人，跳过 0 行" in stdout
    assert get_user_model().objects.count() == users_before
    chen = Profile.objects.select_related("user", "organisation").get(
        employee_number="KF-9001"
    )
    assert chen.display_name == "陈静（改）"
    assert chen.user.first_name == "陈静（改）"
    assert chen.user.email == "chen.jing.new@example.com"
    assert chen.phone == "13800138001"  # blank cell: unchanged
    assert chen.organisation.name == "客服二部（导入）"
    assert user_role(user=chen.user) == Role.TRAINER
    liu = Profile.objects.select_related("organisation").get(employee_number="KF-9002")
    assert liu.organisation.name == "客服一部（导入）"  # blank cell: unchanged


@pytest.mark.django_db
def test_dry_run_writes_nothing(utf8_file):
    users_before = get_user_model().objects.count()
    organisations_before = Organisation.objects.count()

    stdout, _stderr, status = _run(utf8_file, "--dry-run")

    assert status == 0
    assert "试运行" in stdout
    assert "新增 3 人，更新 0 人，跳过 0 行" in stdout
    assert get_user_model().objects.count() == users_before
    assert Organisation.objects.count() == organisations_before
    assert not Profile.objects.filter(employee_number="KF-9001").exists()


@pytest.mark.django_db
def test_dry_run_reports_bad_rows_too(gbk_file_with_bad_rows):
    users_before = get_user_model().objects.count()
    stdout, stderr, status = _run(gbk_file_with_bad_rows, "--dry-run")
    assert status == 1
    assert "第 3 行：缺少工号。" in stderr
    assert get_user_model().objects.count() == users_before


@pytest.mark.django_db
def test_set_password_gives_new_people_a_password(utf8_file):
    _stdout, _stderr, status = _run(utf8_file, "--set-password", "Kaishi-2026-pw")
    assert status == 0
    user = Profile.objects.get(employee_number="KF-9001").user
    assert user.check_password("Kaishi-2026-pw")


@pytest.mark.django_db
def test_imported_staff_sign_in_with_their_employee_number(client, utf8_file):
    _run(utf8_file, "--set-password", "Kaishi-2026-pw")
    response = client.post(
        "/accounts/login/", {"username": "kf-9001", "password": "Kaishi-2026-pw"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        Profile.objects.get(employee_number="KF-9001").user_id
    )


@pytest.mark.django_db
def test_set_password_must_pass_the_validators(utf8_file):
    _stdout, stderr, status = _run(utf8_file, "--set-password", "123")
    assert status == 1
    assert not Profile.objects.filter(employee_number="KF-9001").exists()


@pytest.mark.django_db
def test_missing_required_column_is_refused(tmp_path):
    path = tmp_path / "no_email.csv"
    path.write_text("工号,姓名\nKF-1,甲\n", encoding="utf-8")
    _stdout, stderr, status = _run(path)
    assert status == 1
    assert "表头缺少必需的列：邮箱。" in stderr


@pytest.mark.django_db
def test_a_department_name_used_by_a_customer_is_a_bad_row(tmp_path):
    Organisation.objects.create(
        name="华东精密（客户）", kind=Organisation.Kind.CUSTOMER
    )
    path = tmp_path / "clash.csv"
    path.write_text(
        "工号,姓名,邮箱,部门\nKF-7,甲,jia7@example.com,华东精密（客户）\n",
        encoding="utf-8",
    )
    _stdout, stderr, status = _run(path)
    assert status == 1
    assert "第 2 行：部门“华东精密（客户）”与客户单位重名。" in stderr


@pytest.mark.django_db
def test_example_file_imports(settings):
    path = settings.BASE_DIR / "portal/accounts/fixtures_examples/staff_example.csv"
    stdout, stderr, status = _run(path, "--dry-run")
    assert status == 0, stderr
    assert "新增 4 人，更新 0 人，跳过 0 行" in stdout
