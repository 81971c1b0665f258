"""``manage.py import_staff FILE.csv``: create or update service staff from a list."""

import getpass
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.accounts import staff_csv
from portal.accounts.services import staff_import_rows

PROMPT = object()


class Command(BaseCommand):
    help = (
        "Import service staff from a CSV file (UTF-8 or GBK). Columns: 工号 "
        "(employee_number, required, matches people on re-runs), 姓名 (name, "
        "required), 邮箱 (email, required), 手机 (phone), 部门 (department), 角色 "
        "(role: 客服人员, 讲师 or 培训管理员; new people default to 客服人员). "
        "Bad rows are reported by line and skipped; the exit status is 1 if there "
        "were any. Example: portal/accounts/fixtures_examples/staff_example.csv"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row (database checks included) without saving anything.",
        )
        parser.add_argument(
            "--set-password",
            nargs="?",
            const=PROMPT,
            default=None,
            metavar="PASSWORD",
            help=(
                "Give new people an initial password, asked for when no value "
                "follows (prefer that: a value lands in the shell history). Without "
                "it new people get an unusable password and set their own through "
                "password reset. Existing people keep theirs."
            ),
        )

    def handle(self, *args, file: Path, dry_run: bool, set_password, **options):
        initial_password = self._initial_password(set_password)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("无法读取文件 %(file)s：%(error)s")
                % {"file": file, "error": error.strerror or error}
            ) from error
        try:
            text, encoding = staff_csv.decode(data)
            rows = staff_csv.read_rows(text)
        except staff_csv.StaffFileError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 2:
            self.stdout.write(
                _("文件编码：%(encoding)s，数据 %(count)d 行。")
                % {"encoding": encoding, "count": len(rows)}
            )

        report = staff_import_rows(
            rows=rows, initial_password=initial_password, dry_run=dry_run
        )

        for error in report.errors:
            self.stderr.write(
                _("第 %(line)d 行：%(reasons)s")
                % {"line": error.line, "reasons": " ".join(error.reasons)}
            )
        summary = _("新增 %(created)d 人，更新 %(updated)d 人，跳过 %(skipped)d 行") % {
            "created": report.created,
            "updated": report.updated,
            "skipped": report.skipped,
        }
        if dry_run:
            summary = _("（试运行，未写入任何数据）") + summary
        self.stdout.write(
            summary, self.style.WARNING if report.errors else self.style.SUCCESS
        )
        if report.errors:
            raise CommandError(
                _("有 %(count)d 行未导入，请修正后重新运行。")
                % {"count": report.skipped},
                returncode=1,
            )

    def _initial_password(self, set_password) -> str | None:
        if set_password is None:
            return None
        if set_password is PROMPT:
            password = getpass.getpass(_("新员工的初始密码："))
            if password != getpass.getpass(_("再输入一次：")):
                raise CommandError(_("两次输入的密码不一致。"))
        else:
            password = set_password
        try:
            password_validation.validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password
