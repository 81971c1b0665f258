"""``courses.selectors.feedback_summary`` on fixed data (``summary_data``): exact
means, distributions and top-box shares, filters, the trend by month, the trainer
and course comparisons (pooled across forms by key and kind), open answers."""

from datetime import date
from decimal import Decimal

import pytest

from courses.models import FeedbackSubmission
from courses.selectors.feedback_summary import (
    form_summary,
    mean_of,
    percent_of,
    text_answers,
)
from tests.courses.feedback import summary_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page):
    return data.build_world(home_page)


def summarise(world, submissions=None, *, across=True):
    submissions = submissions if submissions is not None else FeedbackSubmission.objects
    submissions = submissions.all()
    return form_summary(
        form=world["form"],
        submissions=submissions,
        across=submissions if across else None,
    )


def by_key(summary):
    return {q.question.key: q for q in summary.questions}


def items(summary):
    return {item.item_key: item for item in summary.scale_items}


def counts(bars):
    return {bar.label: bar.count for bar in bars}


def shares(bars):
    return {bar.label: bar.share for bar in bars}


def test_rounding_is_half_up_on_exact_decimals():
    assert mean_of(25, 8) == Decimal("3.13")  # 3.125; banker's rounding gives 3.12
    assert mean_of(23, 6) == Decimal("3.83")
    assert mean_of(0, 0) is None
    assert percent_of(1, 16) == Decimal("6.3")  # 6.25
    assert percent_of(2, 3) == Decimal("66.7")
    assert percent_of(1, 0) is None


def test_totals(world):
    summary = summarise(world)
    assert summary.submissions == 6
    assert summary.anonymous == 3
    assert summary.first_at == data.local(2026, 1, 10, 10, 0)
    assert summary.last_at == data.local(2026, 3, 28, 11, 0)


def test_likert_count_mean_distribution_and_top_box(world):
    item = items(summarise(world))["t_content"]
    assert (item.count, item.total) == (6, 23)
    assert item.mean == Decimal("3.83")
    assert item.top_box_count == 4
    assert item.top_box == Decimal("66.7")
    assert [bar.value for bar in item.bars] == [5, 4, 3, 2, 1]
    assert [bar.count for bar in item.bars] == [2, 2, 1, 1, 0]
    assert [bar.share for bar in item.bars] == [
        Decimal("33.3"),
        Decimal("33.3"),
        Decimal("16.7"),
        Decimal("16.7"),
        Decimal("0.0"),
    ]
    assert item.bars[0].label == "5 非常同意"
    assert item.bars[-1].label == "1 非常不同意"


def test_matrix_statements_are_items_of_their_own(world):
    summary = summarise(world)
    grid = by_key(summary)["t_grid"]
    assert [i.item_key for i in grid.items] == ["t_grid.1", "t_grid.2"]
    first, second = grid.items
    assert first.statement == "准备充分"
    assert second.statement == data.STATEMENT_2
    assert (first.count, first.mean, first.top_box) == (
        6,
        Decimal("3.83"),
        Decimal("66.7"),
    )
    # Statement 2 was skipped once.
    assert (second.count, second.total, second.mean, second.top_box) == (
        5,
        18,
        Decimal("3.60"),
        Decimal("60.0"),
    )
    assert [bar.count for bar in second.bars] == [1, 2, 1, 1, 0]
    assert grid.answered == 6


def test_rating_distribution_mean_and_nine_to_ten_share(world):
    item = items(summarise(world))["t_nps"]
    assert [bar.value for bar in item.bars] == list(range(11))
    assert counts(item.bars) == {
        "0": 1, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0,
        "6": 1, "7": 0, "8": 1, "9": 1, "10": 2,
    }  # fmt: skip
    assert (item.count, item.total, item.mean) == (6, 43, Decimal("7.17"))
    assert item.top_box == Decimal("50.0")
    assert item.scale_max == 10


def test_choice_distributions(world):
    questions = by_key(summarise(world))
    solved = questions["t_solved"].choice
    assert counts(solved.bars) == {"是": 3, "否": 2}
    assert shares(solved.bars) == {"是": Decimal("60.0"), "否": Decimal("40.0")}
    assert solved.respondents == 5

    channel = questions["t_channel"].choice
    assert [bar.label for bar in channel.bars] == ["官网", data.FORMULA_OPTION, "同事"]
    assert [bar.count for bar in channel.bars] == [3, 2, 1]
    assert [bar.share for bar in channel.bars] == [
        Decimal("50.0"),
        Decimal("33.3"),
        Decimal("16.7"),
    ]

    topics = questions["t_topics"].choice
    assert topics.multiple
    assert topics.respondents == 5
    assert counts(topics.bars) == {"保养": 3, "故障": 3, "安装": 2}
    # Shares of respondents: more than 100 % in total.
    assert shares(topics.bars) == {
        "保养": Decimal("60.0"),
        "故障": Decimal("60.0"),
        "安装": Decimal("40.0"),
    }


def test_text_and_date_questions(world):
    questions = by_key(summarise(world))
    assert questions["t_comment"].answered == 5
    dates = questions["t_date"]
    assert dates.answered == 2
    assert (dates.first_date, dates.last_date) == (date(2026, 1, 9), date(2026, 1, 19))
    assert [q.number for q in summarise(world).questions] == [0, 1, 2, 3, 4, 5, 6, 7, 8]


def test_options_count_by_text_so_reordering_keeps_answers(world):
    question = world["form"].questions.get(key="t_channel")
    question.options = f"同事\n官网\n{data.FORMULA_OPTION}"
    question.save()
    channel = by_key(summarise(world))["t_channel"].choice
    assert [(bar.label, bar.count) for bar in channel.bars] == [
        ("同事", 1),
        ("官网", 3),
        (data.FORMULA_OPTION, 2),
    ]


def test_filters_narrow_every_figure(world):
    submissions = FeedbackSubmission.objects.all()
    course_b = summarise(world, submissions.filter(course=world["course_b"]))
    assert course_b.submissions == 3
    assert items(course_b)["t_content"].mean == Decimal("3.67")  # 2 5 4
    assert items(course_b)["t_nps"].mean == Decimal("6.00")  # 0 8 10

    anonymous = summarise(world, submissions.filter(respondent__isnull=True))
    assert anonymous.submissions == 3
    assert items(anonymous)["t_content"].mean == Decimal("3.33")  # 4 2 4

    reviewed = summarise(world, submissions.filter(review_status="reviewed"))
    assert [bar.count for bar in items(reviewed)["t_content"].bars] == [0, 2, 0, 0, 0]

    february = summarise(
        world,
        submissions.filter(
            submitted_at__gte=data.local(2026, 2, 1),
            submitted_at__lt=data.local(2026, 3, 1),
        ),
    )
    assert february.submissions == 2
    assert items(february)["t_content"].total == 5  # 3 + 2

    by_organisation = summarise(
        world, submissions.filter(organisation=world["organisations"][0])
    )
    assert by_organisation.submissions == 2  # 周一, twice

    nothing = summarise(world, submissions.none())
    assert nothing.submissions == 0
    assert items(nothing)["t_content"].mean is None
    assert nothing.months == [] and nothing.trend[0].points == []


def test_trend_by_local_month(world):
    summary = summarise(world)
    assert summary.months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    # The submission at 00:30 on 1 March (Shanghai) is in March, not February.
    assert summary.responses_by_month == [2, 2, 2]
    series = {s.item.item_key: s for s in summary.trend}
    assert [p.mean for p in series["t_content"].points] == [
        Decimal("4.50"),
        Decimal("2.50"),
        Decimal("4.50"),
    ]
    assert [p.count for p in series["t_grid.2"].points] == [2, 1, 2]
    assert [p.mean for p in series["t_grid.2"].points] == [
        Decimal("4.00"),
        Decimal("2.00"),
        Decimal("4.00"),
    ]
    assert [p.mean for p in series["t_nps"].points] == [
        Decimal("9.50"),
        Decimal("3.00"),
        Decimal("9.00"),
    ]


def test_months_without_answers_stay_in_the_trend(world):
    submissions = FeedbackSubmission.objects.exclude(
        submitted_at__gte=data.local(2026, 2, 1),
        submitted_at__lt=data.local(2026, 3, 1),
    )
    summary = summarise(world, submissions)
    assert summary.months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert summary.responses_by_month == [2, 0, 2]
    content = summary.trend[0]
    assert content.points[1].count == 0 and content.points[1].mean is None


def cells(comparison, name):
    row = next(row for row in comparison.rows if row.name == name)
    return {
        column.item.item_key: (cell.count, cell.mean)
        for column, cell in zip(comparison.items, row.cells, strict=True)
    }


def test_comparison_by_trainer_pools_the_same_key_and_kind(world):
    summary = summarise(world)
    assert [row.name for row in summary.by_trainer.rows] == ["乙讲师", "甲讲师"]
    shared = {c.item.item_key: c.other_forms for c in summary.by_trainer.items}
    assert shared["t_content"] == 1  # 共用题目表 asks it too
    assert shared["t_nps"] == 0  # a Likert there, a 0-10 rating here
    first = cells(summary.by_trainer, "甲讲师")
    # 5 4 3 on this form plus 1 on 共用题目表.
    assert first["t_content"] == (4, Decimal("3.25"))
    # The rating is not pooled with the other form's Likert t_nps (5).
    assert first["t_nps"] == (3, Decimal("8.33"))
    assert first["t_grid.2"] == (3, Decimal("3.33"))
    second = cells(summary.by_trainer, "乙讲师")
    assert second["t_content"] == (3, Decimal("3.67"))
    assert second["t_grid.2"] == (2, Decimal("4.00"))


def test_comparison_by_course_counts_lessons_in_their_course(world):
    summary = summarise(world)
    assert {row.name for row in summary.by_course.rows} == {"汇总课程甲", "汇总课程乙"}
    first = cells(summary.by_course, "汇总课程甲")
    assert first["t_content"] == (4, Decimal("3.25"))
    assert first["t_nps"] == (3, Decimal("8.33"))
    # Turned round for the template: per item, one cell per course.
    by_item = {
        column.item.item_key: [c.count for c in row]
        for column, row in summary.by_course.by_item
    }
    assert sorted(by_item["t_content"]) == [3, 4]


def test_comparison_without_pooling_uses_this_form_only(world):
    summary = summarise(world, across=False)
    assert cells(summary.by_trainer, "甲讲师")["t_content"] == (3, Decimal("4.00"))
    assert all(not column.shared for column in summary.by_trainer.items)


def test_pooling_respects_the_selection(world):
    """Pooled answers come from ``across`` only: a trainer's scope (or a filter)
    applies to the other forms too."""
    only_course_b = FeedbackSubmission.objects.filter(course=world["course_b"])
    summary = summarise(world, only_course_b)
    assert [row.name for row in summary.by_trainer.rows] == ["乙讲师"]


def test_open_answers_search_and_question_filter(world):
    form, everything = world["form"], FeedbackSubmission.objects.all()
    answers = text_answers(form=form, submissions=everything)
    assert answers.count() == 5
    # Newest first.
    assert answers.first().text_value == "实操时间太短"
    found = text_answers(form=form, submissions=everything, search="实操")
    assert sorted(a.text_value for a in found) == ["实操时间太短", "希望多一些实操"]
    question = form.questions.get(key="t_comment")
    assert (
        text_answers(
            form=form, submissions=everything, question_id=question.pk, search="公式"
        ).get()
    ).text_value == data.FORMULA_COMMENT
    narrowed = text_answers(
        form=form, submissions=everything.filter(course=world["course_b"])
    )
    assert narrowed.count() == 2
    # Choice options are not open answers.
    assert not text_answers(form=form, submissions=everything, search="官网").exists()


def test_fixed_number_of_queries_whatever_the_data(world, django_assert_num_queries):
    form, course = world["form"], world["course_a"]
    summarise(world)  # warm caches (content types, ...)
    with django_assert_num_queries(12) as small:
        summarise(world)
    data.bulk_submit(
        form, course, course=course, count=150, start=data.local(2025, 6, 1, 8, 0)
    )
    with django_assert_num_queries(12) as large:
        summary = summarise(world)
    assert summary.submissions == 156
    assert len(small.captured_queries) == len(large.captured_queries)
