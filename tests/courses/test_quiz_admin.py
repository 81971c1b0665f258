"""The quiz admin for trainers and training admins: the quiz snippet editor (nested
questions and choices, validated like the bulk import), the listing, the admin menu,
manual grading, regrading with confirmation and history, make-up grants, and
permissions on every view (crafted ids of other trainers' quizzes are 404)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from courses.models import (
    AttemptGrant,
    AttemptScoreHistory,
    AttemptStatus,
    Choice,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
)
from courses.services.quizzes import quiz_attempt_start, quiz_eligibility
from tests.courses import test_quiz_results as shared
from tests.factories.quizzes import make_quiz, single_choice_bank

# Fixtures shared with the results tests.
tree = shared.tree
quizzes = shared.quizzes
organisation = shared.organisation
results = shared.results
course_a_trainer = shared.course_a_trainer
attach = shared.attach
make_learner = shared.make_learner
take = shared.take

SHORT_BANK = [
    (
        QuestionKind.SINGLE,
        "滤芯建议多久更换一次？",
        [("一个月", False), ("六个月", True)],
        "",
        "2",
    ),
    (QuestionKind.SHORT_ANSWER, "请简述处理客户投诉的步骤。", [], "", "3"),
]


def snippet_url(name, *args):
    return reverse(Quiz.snippet_viewset.get_url_name(name), args=args)


def quiz_form_data(title="新建测验", questions=(), **settings):
    """POST data of the quiz editor: the quiz fields, then each question with its
    nested choice formset (``questions-<i>-choices-<j>-…``)."""
    data = {
        "title": title,
        "description": "",
        "audience": "all",
        "pass_mark": "85",
        "good_mark": "90",
        "excellent_mark": "95",
        "max_attempts": "0",
        "cooldown_minutes": "0",
        "time_limit_minutes": "0",
        "opens_at": "",
        "closes_at": "",
        "draw_count": "0",
        "review_policy": "after_attempt",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    data.update({key: str(value) for key, value in settings.items()})
    for i, (kind, text, choices, accepted) in enumerate(questions):
        prefix = f"questions-{i}-"
        data.update(
            {
                f"{prefix}id": "",
                f"{prefix}ORDER": str(i + 1),
                f"{prefix}kind": kind,
                f"{prefix}text": text,
                f"{prefix}category": "",
                f"{prefix}points": "2",
                f"{prefix}accepted_answers": accepted,
                f"{prefix}explanation": "",
                f"{prefix}choices-TOTAL_FORMS": str(len(choices)),
                f"{prefix}choices-INITIAL_FORMS": "0",
                f"{prefix}choices-MIN_NUM_FORMS": "0",
                f"{prefix}choices-MAX_NUM_FORMS": "1000",
            }
        )
        for j, (choice, is_correct) in enumerate(choices):
            choice_prefix = f"{prefix}choices-{j}-"
            data.update(
                {
                    f"{choice_prefix}id": "",
                    f"{choice_prefix}ORDER": str(j + 1),
                    f"{choice_prefix}text": choice,
                }
            )
            if is_correct:
                data[f"{choice_prefix}is_correct"] = "on"
    return data


GOOD_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "开机需按住电源键几秒？",
        [("一秒", False), ("三秒", True)],
        "",
    ),
    (
        QuestionKind.MULTIPLE,
        "哪些属于保养项目？",
        [("清洗滤网", True), ("更换滤芯", True), ("重装系统", False)],
        "",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "E203 表示尘盒未安装。",
        [("正确", True), ("错误", False)],
        "",
    ),
    (QuestionKind.FILL_BLANK, "客服热线几点开始服务？", [], "9点\n九点"),
    (QuestionKind.SHORT_ANSWER, "请简述投诉处理步骤。", [], ""),
]


# -- the quiz editor -----------------------------------------------------------------


@pytest.mark.django_db
def test_create_a_quiz_with_nested_questions_and_choices(client_for, trainer):
    response = client_for(trainer).post(
        snippet_url("add"), quiz_form_data("保养知识测验", GOOD_QUESTIONS)
    )
    assert response.status_code == 302, response.context["form"].errors
    quiz = Quiz.objects.get(title="保养知识测验")
    questions = list(quiz.questions.order_by("sort_order"))
    assert [q.kind for q in questions] == [q[0] for q in GOOD_QUESTIONS]
    single = questions[0]
    assert [(c.text, c.is_correct) for c in single.choices.order_by("sort_order")] == [
        ("一秒", False),
        ("三秒", True),
    ]
    assert questions[1].choices.filter(is_correct=True).count() == 2
    assert questions[3].accepted_answer_list() == ["9点", "九点"]
    assert Choice.objects.filter(question__quiz=quiz).count() == 7


@pytest.mark.django_db
def test_single_choice_with_two_correct_choices_is_refused(client_for, trainer):
    bad = [
        (
            QuestionKind.SINGLE,
            "开机需按住电源键几秒？",
            [("一秒", True), ("三秒", True)],
            "",
        )
    ]
    response = client_for(trainer).post(
        snippet_url("add"), quiz_form_data("坏测验", bad)
    )
    assert response.status_code == 200
    assert "单选题必须恰好有一个正确选项。" in response.text
    assert not Quiz.objects.filter(title="坏测验").exists()
    question_form = response.context["form"].formsets["questions"].forms[0]
    assert "单选题必须恰好有一个正确选项。" in question_form.non_field_errors()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            (QuestionKind.SINGLE, "只有一个选项", [("唯一", True)], ""),
            "选择题至少需要两个选项。",
        ),
        (
            (QuestionKind.MULTIPLE, "没有正确项", [("甲", False), ("乙", False)], ""),
            "多选题至少需要一个正确选项。",
        ),
        (
            (
                QuestionKind.TRUE_FALSE,
                "三个选项",
                [("对", True), ("错", False), ("?", False)],
                "",
            ),
            "判断题须有",
        ),
        (
            (QuestionKind.FILL_BLANK, "无参考答案", [], ""),
            "填空题至少需要一个参考答案。",
        ),
        (
            (QuestionKind.SHORT_ANSWER, "带选项的简答", [("甲", False)], ""),
            "简答题不使用选项。",
        ),
    ],
)
def test_every_question_rule_is_checked(client_for, trainer, question, message):
    response = client_for(trainer).post(
        snippet_url("add"), quiz_form_data("规则测验", [GOOD_QUESTIONS[0], question])
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Quiz.objects.filter(title="规则测验").exists()


@pytest.mark.django_db
def test_deleted_choices_do_not_count(client_for, trainer):
    data = quiz_form_data(
        "删除选项测验",
        [(QuestionKind.SINGLE, "题", [("甲", True), ("乙", True), ("丙", False)], "")],
    )
    data["questions-0-choices-1-DELETE"] = "on"
    response = client_for(trainer).post(snippet_url("add"), data)
    assert response.status_code == 302
    quiz = Quiz.objects.get(title="删除选项测验")
    assert list(
        Choice.objects.filter(question__quiz=quiz).values_list("text", flat=True)
    ) == ["甲", "丙"]


@pytest.mark.django_db
def test_quiz_clean_rules_are_shown(client_for, trainer):
    response = client_for(trainer).post(
        snippet_url("add"),
        quiz_form_data(
            "分数线测验",
            GOOD_QUESTIONS[:1],
            pass_mark=95,
            good_mark=90,
            opens_at="2026-05-02 10:00",
            closes_at="2026-05-01 10:00",
        ),
    )
    assert response.status_code == 200
    assert "分数线须满足：及格分 ≤ 良好分 ≤ 优秀分。" in response.text
    assert "截止时间须晚于开放时间。" in response.text
    assert not Quiz.objects.filter(title="分数线测验").exists()


@pytest.mark.django_db
def test_edit_fixes_a_question_in_place(client_for, trainer):
    quiz = make_quiz(title="改题测验", bank=single_choice_bank(1))
    question = quiz.questions.get()
    choices = list(question.choices.order_by("sort_order"))
    data = quiz_form_data("改题测验")
    data.update(
        {
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "1",
            "questions-0-id": str(question.pk),
            "questions-0-ORDER": "1",
            "questions-0-kind": question.kind,
            "questions-0-text": question.text,
            "questions-0-points": "1",
            "questions-0-choices-TOTAL_FORMS": str(len(choices)),
            "questions-0-choices-INITIAL_FORMS": str(len(choices)),
            "questions-0-choices-MIN_NUM_FORMS": "0",
            "questions-0-choices-MAX_NUM_FORMS": "1000",
        }
    )
    for j, choice in enumerate(choices):
        data[f"questions-0-choices-{j}-id"] = str(choice.pk)
        data[f"questions-0-choices-{j}-ORDER"] = str(j + 1)
        data[f"questions-0-choices-{j}-text"] = choice.text
    data["questions-0-choices-0-is_correct"] = "on"  # 说法甲 is now the answer
    response = client_for(trainer).post(snippet_url("edit", quiz.pk), data)
    assert response.status_code == 302
    assert list(
        question.choices.filter(is_correct=True).values_list("text", flat=True)
    ) == ["说法甲"]


# -- listing, menu, links -------------------------------------------------------------


@pytest.mark.django_db
def test_listing_shows_counts_pages_and_links(client_for, admin_user, results, quizzes):
    response = client_for(admin_user).get(snippet_url("list"), {"q": "甲课后测验"})
    assert response.status_code == 200
    text = response.text
    row = text[text.index("甲课后测验") :]
    assert "课程甲第一课（课后测验）" in row
    quiz_a = quizzes["a"]
    listed = {quiz.pk: quiz for quiz in response.context["object_list"]}
    assert listed[quiz_a.pk].question_count == 2
    assert listed[quiz_a.pk].attempt_count == 2
    for url in (
        reverse("quiz_bank:import", args=[quiz_a.pk]),
        reverse("quiz_bank:export", args=[quiz_a.pk]) + "?format=xlsx",
        reverse("quiz_bank:export", args=[quiz_a.pk]) + "?format=csv",
        reverse("quiz_results:statistics", args=[quiz_a.pk]),
        reverse("quiz_results:regrade", args=[quiz_a.pk]),
        reverse("quiz_bank:template") + "?format=xlsx",
    ):
        assert url.replace("&", "&amp;") in text, url


@pytest.mark.django_db
def test_edit_header_links_to_the_bank_import_and_export(client_for, trainer, quizzes):
    quiz = quizzes["a"]
    text = client_for(trainer).get(snippet_url("edit", quiz.pk)).text
    assert reverse("quiz_bank:import", args=[quiz.pk]) in text
    assert reverse("quiz_bank:export", args=[quiz.pk]) + "?format=xlsx" in text


def menu_labels(user, rf) -> dict[str, list[str]]:
    request = rf.get("/admin/")
    request.user = user
    labels = {}
    for item in admin_menu.menu_items_for_request(request):
        submenu = getattr(item, "menu", None)
        labels[str(item.label)] = (
            [str(sub.label) for sub in submenu.menu_items_for_request(request)]
            if submenu
            else []
        )
    return labels


@pytest.mark.django_db
def test_one_menu_group_for_quizzes(trainer, course_a_trainer, rf):
    for user in (trainer, course_a_trainer):
        assert menu_labels(user, rf)["测验与考试"] == ["测验题库", "成绩查询", "待评分"]


@pytest.mark.django_db
def test_menu_hides_what_the_user_may_not_do(course_a_trainer, rf):
    course_a_trainer.groups.get().permissions.remove(
        *Permission.objects.filter(
            codename__in=["change_quizattempt", "view_quizattempt"]
        )
    )
    user = type(course_a_trainer).objects.get(pk=course_a_trainer.pk)
    assert menu_labels(user, rf)["测验与考试"] == ["测验题库"]


@pytest.mark.django_db
def test_trainer_sees_and_edits_only_quizzes_of_their_pages(
    client_for, course_a_trainer, quizzes
):
    client = client_for(course_a_trainer)
    listed = {
        quiz.pk for quiz in client.get(snippet_url("list")).context["object_list"]
    }
    assert quizzes["a"].pk in listed and quizzes["c"].pk in listed
    assert quizzes["b"].pk not in listed
    assert client.get(snippet_url("edit", quizzes["a"].pk)).status_code == 200
    assert client.get(snippet_url("edit", quizzes["c"].pk)).status_code == 200
    for name in ("edit", "usage", "history"):
        response = client.get(snippet_url(name, quizzes["b"].pk))
        assert response.status_code == 404, name
    post = client.post(snippet_url("edit", quizzes["b"].pk), quiz_form_data("篡改"))
    assert post.status_code == 404
    assert Quiz.objects.get(pk=quizzes["b"].pk).title == "乙结业考试"
    # The registered policy also guards the question-bank import and export
    # (Wagtail answers a PermissionDenied in the admin with a redirect home).
    for url in (
        reverse("quiz_bank:import", args=[quizzes["b"].pk]),
        reverse("quiz_bank:export", args=[quizzes["b"].pk]) + "?format=csv",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "乙结业考试" not in response.content.decode(errors="replace")


@pytest.mark.django_db
def test_a_quiz_with_attempts_is_not_deleted(client_for, admin_user, results, quizzes):
    client = client_for(admin_user)
    quiz = quizzes["a"]
    response = client.post(snippet_url("delete", quiz.pk), follow=True)
    assert "已有作答记录，不能删除" in response.text
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    unused = make_quiz(title="可删除测验", bank=single_choice_bank(1))
    assert client.post(snippet_url("delete", unused.pk)).status_code == 302
    assert not Quiz.objects.filter(pk=unused.pk).exists()


@pytest.mark.django_db
def test_trainers_cannot_delete_quizzes(client_for, trainer):
    quiz = make_quiz(title="讲师不能删", bank=single_choice_bank(1))
    response = client_for(trainer).post(snippet_url("delete", quiz.pk))
    assert response.status_code in (302, 403, 404)
    assert Quiz.objects.filter(pk=quiz.pk).exists()


# -- manual grading -------------------------------------------------------------------


@pytest.fixture
def pending(tree):
    quiz = make_quiz(title="简答题测验", bank=SHORT_BANK)
    attach(tree["course_a"], quiz)
    attempt = take(quiz, make_learner("kong", name="孔待评"), page=tree["course_a"])
    assert attempt.status == AttemptStatus.PENDING_REVIEW
    answer = attempt.answers.get(question__kind=QuestionKind.SHORT_ANSWER)
    return {"quiz": quiz, "attempt": attempt, "answer": answer}


def grade_url(answer):
    return reverse("quiz_grading:grade", args=[answer.pk])


@pytest.mark.django_db
def test_queue_lists_short_answers_awaiting_a_score(client_for, trainer, pending):
    response = client_for(trainer).get(
        reverse("quiz_grading:index"), {"quiz": pending["quiz"].pk}
    )
    assert response.status_code == 200
    assert [a.pk for a in response.context["object_list"]] == [pending["answer"].pk]
    assert "孔待评" in response.text
    assert grade_url(pending["answer"]) in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("4", "得分不能超过本题满分 3 分。"),
        ("-1", "得分不能小于 0。"),
        ("abc", "请输入有效的分数。"),
        ("NaN", "请输入有效的分数。"),
        ("1e400", "请输入有效的分数。"),
        ("", "请填写得分。"),
        ("1.234", "得分最多保留两位小数。"),
    ],
)
def test_grading_errors_are_chinese(client_for, trainer, pending, score, message):
    response = client_for(trainer).post(
        grade_url(pending["answer"]), {"score": score, "comment": ""}
    )
    assert response.status_code == 200
    assert message in response.text
    pending["answer"].refresh_from_db()
    assert pending["answer"].score is None


@pytest.mark.django_db
def test_grading_makes_the_result_final(client_for, trainer, pending):
    client = client_for(trainer)
    page = client.get(grade_url(pending["answer"]))
    assert "请简述处理客户投诉的步骤。" in page.text
    response = client.post(
        grade_url(pending["answer"]),
        {"score": "2.5", "comment": "步骤完整，缺少回访。"},
    )
    assert response.status_code == 302
    answer = QuizAnswer.objects.get(pk=pending["answer"].pk)
    assert answer.score == Decimal("2.50")
    assert answer.grader_comment == "步骤完整，缺少回访。"
    assert answer.graded_by == trainer
    attempt = answer.attempt
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.score == Decimal("4.50")
    assert attempt.percentage == Decimal("90.0")
    assert attempt.passed is True
    queue = client.get(reverse("quiz_grading:index"), {"quiz": pending["quiz"].pk})
    assert list(queue.context["object_list"]) == []
    detail = client.get(reverse("quiz_results:inspect", args=[attempt.pk]))
    assert "步骤完整，缺少回访。" in detail.text
    assert "良好" in detail.text


@pytest.mark.django_db
def test_regrading_an_answer_keeps_the_old_result(client_for, trainer, pending):
    client = client_for(trainer)
    client.post(grade_url(pending["answer"]), {"score": "3", "comment": ""})
    client.post(grade_url(pending["answer"]), {"score": "1", "comment": "复核后扣分"})
    attempt = pending["attempt"]
    history = list(AttemptScoreHistory.objects.filter(attempt=attempt))
    assert [(h.score, h.passed) for h in history] == [(Decimal("5.00"), True)]
    detail = client.get(reverse("quiz_results:inspect", args=[attempt.pk])).text
    assert "人工改分" in detail


@pytest.mark.django_db
def test_grading_another_trainers_answer_is_404(
    client_for, course_a_trainer, quizzes, tree
):
    quiz = make_quiz(title="乙简答", bank=SHORT_BANK)
    attach(tree["course_b"], quiz)
    attempt = take(quiz, make_learner("feng"))
    answer = attempt.answers.get(question__kind=QuestionKind.SHORT_ANSWER)
    client = client_for(course_a_trainer)
    assert client.get(grade_url(answer)).status_code == 404
    assert client.post(grade_url(answer), {"score": "3"}).status_code == 404
    answer.refresh_from_db()
    assert answer.score is None
    queue = client.get(reverse("quiz_grading:index"))
    assert answer.pk not in [a.pk for a in queue.context["object_list"]]


@pytest.mark.django_db
def test_grading_needs_the_change_permission(client_for, course_a_trainer, pending):
    course_a_trainer.groups.get().permissions.remove(
        Permission.objects.get(codename="change_quizattempt")
    )
    client = client_for(course_a_trainer)
    # Wagtail turns PermissionDenied in the admin into a redirect to the dashboard.
    response = client.get(grade_url(pending["answer"]))
    assert response.status_code in (302, 403)
    assert response.get("Location", "/admin/") == "/admin/"
    response = client.post(grade_url(pending["answer"]), {"score": "3"})
    assert response.status_code in (302, 403)
    pending["answer"].refresh_from_db()
    assert pending["answer"].score is None
    assert client.get(reverse("quiz_grading:index")).status_code in (302, 403)


@pytest.mark.django_db
def test_grading_posts_need_the_csrf_token(trainer, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    response = client.post(grade_url(pending["answer"]), {"score": "3"})
    assert response.status_code == 403
    pending["answer"].refresh_from_db()
    assert pending["answer"].score is None


@pytest.mark.django_db
def test_an_attempt_in_progress_cannot_be_graded(client_for, trainer):
    quiz = make_quiz(title="进行中", bank=SHORT_BANK)
    attempt = quiz_attempt_start(quiz=quiz, user=make_learner("he"))
    answer = attempt.answers.get(question__kind=QuestionKind.SHORT_ANSWER)
    client = client_for(trainer)
    assert "学员尚未交卷，交卷后才能评分。" in client.get(grade_url(answer)).text
    response = client.post(grade_url(answer), {"score": "1"})
    assert response.status_code == 200
    assert "作答尚未提交，不能评分。" in response.text
    answer.refresh_from_db()
    assert answer.score is None


# -- regrade --------------------------------------------------------------------------


@pytest.fixture
def corrected_quiz(tree):
    """A quiz answered "说法乙" by two learners, then corrected: 说法甲 is right."""
    quiz = make_quiz(title="更正测验", bank=single_choice_bank(1))
    attach(tree["course_a"], quiz)
    attempts = [take(quiz, make_learner(f"rg{n}", name=f"重评{n}")) for n in range(2)]
    question = quiz.questions.get()
    question.choices.update(is_correct=False)
    question.choices.filter(text="说法甲").update(is_correct=True)
    return {"quiz": quiz, "attempts": attempts}


@pytest.mark.django_db
def test_regrade_asks_first_then_regrades_and_keeps_history(
    client_for, trainer, corrected_quiz
):
    client = client_for(trainer)
    quiz = corrected_quiz["quiz"]
    url = reverse("quiz_results:regrade", args=[quiz.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "重新评定 2 份已交卷的作答" in page.text
    assert AttemptScoreHistory.objects.filter(attempt__quiz=quiz).count() == 0
    for attempt in corrected_quiz["attempts"]:
        attempt.refresh_from_db()
        assert attempt.passed is True  # GET changed nothing

    response = client.post(url, {"reason": "第 1 题答案更正"}, follow=True)
    assert "其中 2 份成绩有变化" in response.text
    for attempt in corrected_quiz["attempts"]:
        attempt.refresh_from_db()
        assert (attempt.score, attempt.passed) == (Decimal("0.00"), False)
        history = attempt.score_history.get()
        assert (history.score, history.passed, history.reason) == (
            Decimal("1.00"),
            True,
            "第 1 题答案更正",
        )
    detail = client.get(
        reverse("quiz_results:inspect", args=[corrected_quiz["attempts"][0].pk])
    ).text
    assert "第 1 题答案更正" in detail
    assert "1 / 1" in detail  # the old score in the history table


@pytest.mark.django_db
def test_regrade_needs_csrf_and_post(trainer, corrected_quiz):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    url = reverse("quiz_results:regrade", args=[corrected_quiz["quiz"].pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert not AttemptScoreHistory.objects.filter(
        attempt__quiz=corrected_quiz["quiz"]
    ).exists()


@pytest.mark.django_db
def test_regrade_of_another_trainers_quiz_is_404(
    client_for, course_a_trainer, quizzes, results
):
    client = client_for(course_a_trainer)
    url = reverse("quiz_results:regrade", args=[quizzes["b"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not AttemptScoreHistory.objects.filter(attempt__quiz=quizzes["b"]).exists()


# -- make-up grants -------------------------------------------------------------------


@pytest.fixture
def exhausted(tree):
    quiz = make_quiz(title="限次测验", bank=single_choice_bank(1), max_attempts=1)
    attach(tree["course_a"], quiz)
    learner = make_learner("chen", name="陈补考")
    attempt = take(quiz, learner, correct=False)
    assert not quiz_eligibility(quiz=quiz, user=learner).can_start
    return {"quiz": quiz, "learner": learner, "attempt": attempt}


@pytest.mark.django_db
def test_grant_extra_attempts_with_a_reason(client_for, trainer, exhausted):
    client = client_for(trainer)
    url = reverse("quiz_results:grant", args=[exhausted["attempt"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "已作答“限次测验” 1 次，目前共可作答 1 次" in page.text
    response = client.post(url, {"extra_attempts": "1", "reason": "因停电未完成考试"})
    assert response.status_code == 302
    grant = AttemptGrant.objects.get(quiz=exhausted["quiz"], user=exhausted["learner"])
    assert (grant.extra_attempts, grant.reason, grant.granted_by) == (
        1,
        "因停电未完成考试",
        trainer,
    )
    assert quiz_eligibility(quiz=exhausted["quiz"], user=exhausted["learner"]).can_start
    listing = client.get(url).text
    assert "因停电未完成考试" in listing
    detail = client.get(
        reverse("quiz_results:inspect", args=[exhausted["attempt"].pk])
    ).text
    assert "因停电未完成考试" in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"extra_attempts": "0", "reason": "x"}, "增加次数至少为 1。"),
        ({"extra_attempts": "99", "reason": "x"}, "一次最多增加 10 次。"),
        ({"extra_attempts": "two", "reason": "x"}, "请输入整数。"),
        ({"extra_attempts": "1", "reason": "   "}, "请填写补考原因。"),
        ({"extra_attempts": "1"}, "请填写补考原因。"),
    ],
)
def test_grant_errors_are_chinese(client_for, trainer, exhausted, data, message):
    url = reverse("quiz_results:grant", args=[exhausted["attempt"].pk])
    response = client_for(trainer).post(url, data)
    assert response.status_code == 200
    assert message in response.text
    assert not AttemptGrant.objects.filter(quiz=exhausted["quiz"]).exists()


@pytest.mark.django_db
def test_grants_for_another_trainers_learners_are_404(
    client_for, course_a_trainer, results
):
    client = client_for(course_a_trainer)
    url = reverse("quiz_results:grant", args=[results["wu_b"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"extra_attempts": "1", "reason": "x"}).status_code == 404
    assert (
        not AttemptGrant.objects.exists()
        or not AttemptGrant.objects.filter(user=results["wu"]).exists()
    )


@pytest.mark.django_db
def test_grants_need_the_add_permission(client_for, course_a_trainer, exhausted):
    course_a_trainer.groups.get().permissions.remove(
        Permission.objects.get(codename="add_attemptgrant")
    )
    url = reverse("quiz_results:grant", args=[exhausted["attempt"].pk])
    client = client_for(course_a_trainer)
    assert client.get(url).status_code in (302, 403)
    response = client.post(url, {"extra_attempts": "1", "reason": "x"})
    assert response.status_code in (302, 403)
    assert not AttemptGrant.objects.filter(quiz=exhausted["quiz"]).exists()


@pytest.mark.django_db
def test_no_generic_edit_or_delete_views_for_attempts_and_answers(
    client_for, admin_user, results
):
    client = client_for(admin_user)
    attempt = results["zhou_a"]
    for url in (
        f"/admin/quiz-results/edit/{attempt.pk}/",
        f"/admin/quiz-results/delete/{attempt.pk}/",
        "/admin/quiz-results/new/",
        f"/admin/quiz-grading/edit/{attempt.answers.first().pk}/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_question_rows_are_saved_in_order(client_for, trainer):
    client_for(trainer).post(
        snippet_url("add"), quiz_form_data("顺序测验", GOOD_QUESTIONS)
    )
    quiz = Quiz.objects.get(title="顺序测验")
    assert list(
        Question.objects.filter(quiz=quiz)
        .order_by("sort_order")
        .values_list("text", flat=True)
    ) == [q[1] for q in GOOD_QUESTIONS]


# -- query budgets -------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_quiz_listing_queries_do_not_grow(client_for, course_a_trainer, tree):
    client = client_for(course_a_trainer)
    counts = []
    for size in (2, 12):
        for number in range(size):
            quiz = make_quiz(
                title=f"列表预算{size}-{number}", bank=single_choice_bank(2)
            )
            attach(tree["course_a"] if number % 2 else tree["lesson_a"], quiz)
            take(quiz, make_learner(f"lb{size}-{number}"))
        counts.append(_queries(client, snippet_url("list")))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30


@pytest.mark.django_db
def test_grading_queue_queries_do_not_grow(client_for, course_a_trainer, tree):
    client = client_for(course_a_trainer)
    quiz = make_quiz(title="队列预算", bank=SHORT_BANK)
    attach(tree["course_a"], quiz)
    counts = []
    for size in (2, 15):
        for number in range(size):
            take(quiz, make_learner(f"qb{size}-{number}", organisation=None))
        counts.append(_queries(client, reverse("quiz_grading:index")))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 20
