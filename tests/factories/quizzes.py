"""Quizzes with every question type, for tests. ``make_quiz`` builds a bank where the
correct choice is known to the test (never to the page)."""

from decimal import Decimal

from courses.models import Choice, Question, QuestionKind, Quiz

# (kind, text, choices [(text, is_correct)], accepted answers, points)
STANDARD_BANK = [
    (
        QuestionKind.SINGLE,
        "滤芯建议多久更换一次？",
        [("一个月", False), ("六个月", True), ("三年", False)],
        "",
        "2",
    ),
    (
        QuestionKind.MULTIPLE,
        "以下哪些属于退货所需材料？",
        [("订单号", True), ("购买凭证", True), ("身份证原件", False)],
        "",
        "2",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "E203 故障代码表示水压不足。",
        [("正确", True), ("错误", False)],
        "",
        "2",
    ),
    (
        QuestionKind.FILL_BLANK,
        "客服热线的工作时间从几点开始？",
        [],
        "9点\n九点\n9:00",
        "2",
    ),
    (QuestionKind.SHORT_ANSWER, "请简述处理客户投诉的步骤。", [], "", "2"),
]


def make_quiz(*, bank=None, **settings) -> Quiz:
    """A saved quiz with ``bank`` questions (default: one of every type, 10 points)."""
    quiz = Quiz.objects.create(title=settings.pop("title", "产品知识测验"), **settings)
    for order, (kind, text, choices, accepted, points) in enumerate(
        STANDARD_BANK if bank is None else bank
    ):
        question = Question.objects.create(
            quiz=quiz,
            kind=kind,
            text=text,
            accepted_answers=accepted,
            points=Decimal(points),
            sort_order=order,
            explanation=f"解析：{text}",
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=choice, is_correct=ok, sort_order=i)
            for i, (choice, ok) in enumerate(choices)
        )
    return quiz


def single_choice_bank(count: int, points: str = "1") -> list:
    """``count`` single-choice questions whose correct answer is the second choice."""
    return [
        (
            QuestionKind.SINGLE,
            f"第{n}题：选择正确的说法",
            [("说法甲", False), ("说法乙", True), ("说法丙", False), ("说法丁", False)],
            "",
            points,
        )
        for n in range(1, count + 1)
    ]


def correct_form_data(attempt) -> dict[str, list[str]]:
    """Posted data answering every automatically graded question of ``attempt``
    correctly (short answers get some text)."""
    data = {}
    for answer in attempt.answers.select_related("question").order_by("position"):
        question = answer.question
        name = f"a{answer.position}"
        if question.kind in (
            QuestionKind.SINGLE,
            QuestionKind.MULTIPLE,
            QuestionKind.TRUE_FALSE,
        ):
            correct = set(
                question.choices.filter(is_correct=True).values_list("pk", flat=True)
            )
            data[name] = [
                str(i) for i, cid in enumerate(answer.choice_order) if cid in correct
            ]
        elif question.kind == QuestionKind.FILL_BLANK:
            data[name] = [question.accepted_answer_list()[0]]
        else:
            data[name] = ["先倾听，再核实，然后给出方案并回访。"]
    return data
