"""SVG charts of the feedback summary, computed on the server: the geometry (bar
lengths, positions, colours) is worked out here, in plain numbers that are never
localised, and drawn by templates/courses/admin/feedback/includes/chart*.html. No
scripts. Each chart carries a title and a description listing every value for
screen readers; the page shows the same numbers in a table beside it."""

from dataclasses import dataclass
from decimal import Decimal

from courses.models.feedback import FeedbackKind
from courses.selectors.feedback_summary import (
    Bar,
    FormSummary,
    QuestionSummary,
    ScaleItem,
    TrendSeries,
)

LIKERT_COLOURS = {5: "#1b7f4c", 4: "#6fb98f", 3: "#a6a6a6", 2: "#e08a5b", 1: "#b93a32"}
BAR_COLOUR = "#007d7e"
TOP_BOX_COLOUR = "#1b7f4c"


def _n(value: float) -> str:
    """An SVG coordinate: never localised, one decimal at most."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ChartBar:
    label: str
    short_label: str
    count: int
    share: Decimal | None
    colour: str
    y: str
    text_y: str
    width: str
    value_x: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per value: label, bar, count and share."""

    uid: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[ChartBar]


def bar_chart(bars: list[Bar], *, uid: str, title: str, colours=None) -> BarChart:
    label_width, area, row, bar_height, top = 170, 260, 28, 18, 6
    largest = max((bar.count for bar in bars), default=0) or 1
    colours = colours or {}
    chart_bars = []
    for number, bar in enumerate(bars):
        y = top + number * row
        width = bar.count / largest * area
        chart_bars.append(
            ChartBar(
                label=bar.label,
                short_label=_short(bar.label, 14),
                count=bar.count,
                share=bar.share,
                colour=colours.get(bar.value, BAR_COLOUR),
                y=_n(y),
                text_y=_n(y + bar_height / 2 + 5),
                width=_n(width),
                value_x=_n(label_width + width + 6),
            )
        )
    description = "；".join(
        f"{bar.label}：{bar.count}"
        + (f"（{bar.share}%）" if bar.share is not None else "")
        for bar in bars
    )
    return BarChart(
        uid=uid,
        title=title,
        description=description,
        width=label_width + area + 84,
        height=top * 2 + len(bars) * row,
        label_width=label_width,
        bar_height=bar_height,
        bars=chart_bars,
    )


@dataclass(frozen=True)
class Segment:
    label: str
    count: int
    share: Decimal | None
    colour: str
    x: str
    width: str


@dataclass(frozen=True)
class StackedRow:
    label: str
    short_label: str
    count: int
    mean: Decimal | None
    y: str
    text_y: str
    segments: list[Segment]


@dataclass(frozen=True)
class StackedChart:
    """A Likert matrix: one 100 % bar per statement, split 5 → 1, with a legend."""

    uid: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list[StackedRow]
    legend: list[tuple[str, str, str, str]]  # (label, colour, x, text x)
    legend_y: str
    legend_text_y: str


def stacked_chart(items: list[ScaleItem], *, uid: str, title: str) -> StackedChart:
    label_width, area, row, bar_height, top = 200, 260, 28, 18, 6
    rows = []
    for number, item in enumerate(items):
        y = top + number * row
        x, segments = float(label_width), []
        for bar in item.bars:
            if not bar.count:
                continue
            width = bar.count / item.count * area
            segments.append(
                Segment(
                    label=bar.label,
                    count=bar.count,
                    share=bar.share,
                    colour=LIKERT_COLOURS.get(bar.value, BAR_COLOUR),
                    x=_n(x),
                    width=_n(width),
                )
            )
            x += width
        rows.append(
            StackedRow(
                label=item.label,
                short_label=_short(item.label, 16),
                count=item.count,
                mean=item.mean,
                y=_n(y),
                text_y=_n(y + bar_height / 2 + 5),
                segments=segments,
            )
        )
    legend_y = top + len(items) * row + 8
    legend = []
    bars = items[0].bars if items else []
    for number, bar in enumerate(bars):
        x = 8 + number * 104
        legend.append((bar.label, LIKERT_COLOURS.get(bar.value), _n(x), _n(x + 14)))
    description = "；".join(
        f"{item.label}：" + "，".join(f"{bar.label} {bar.count}" for bar in item.bars)
        for item in items
    )
    return StackedChart(
        uid=uid,
        title=title,
        description=description,
        width=label_width + area + 84,
        height=legend_y + 24,
        label_width=label_width,
        bar_height=bar_height,
        rows=rows,
        legend=legend,
        legend_y=_n(legend_y),
        legend_text_y=_n(legend_y + 10),
    )


@dataclass(frozen=True)
class Column:
    label: str
    mean: Decimal | None
    count: int
    x: str
    y: str
    height: str
    text_x: str
    value_y: str


@dataclass(frozen=True)
class ColumnChart:
    """The monthly mean of one item as columns on the item's scale."""

    uid: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: str
    label_y: str
    column_width: int
    grid: list[tuple[str, str]]  # (y, label)
    columns: list[Column]


def trend_chart(series: TrendSeries, *, uid: str, title: str) -> ColumnChart:
    left, step, column_width, top, plot = 36, 52, 30, 16, 160
    scale_max = series.item.scale_max
    baseline = top + plot
    columns = []
    for number, point in enumerate(series.points):
        x = left + 8 + number * step
        mean = point.mean
        height = float(mean) / scale_max * plot if mean is not None else 0.0
        columns.append(
            Column(
                label=f"{point.month:%Y-%m}",
                mean=mean,
                count=point.count,
                x=_n(x),
                y=_n(baseline - height),
                height=_n(height),
                text_x=_n(x + column_width / 2),
                value_y=_n(baseline - height - 4),
            )
        )
    ticks = range(0, scale_max + 1, 1 if scale_max <= 5 else 2)
    grid = [(_n(baseline - tick / scale_max * plot), str(tick)) for tick in ticks]
    description = "；".join(
        f"{column.label}：{column.mean if column.mean is not None else '—'}"
        f"（{column.count}）"
        for column in columns
    )
    width = left + 8 + max(len(columns), 1) * step + 8
    return ColumnChart(
        uid=uid,
        title=title,
        description=description,
        width=width,
        height=baseline + 40,
        plot_left=left,
        plot_right=width - 4,
        baseline=_n(baseline),
        label_y=_n(baseline + 16),
        column_width=column_width,
        grid=grid,
        columns=columns,
    )


@dataclass
class QuestionBlock:
    """One question of the summary with its charts."""

    summary: QuestionSummary
    chart: BarChart | None = None
    stacked: StackedChart | None = None


def question_blocks(summary: FormSummary) -> list[QuestionBlock]:
    blocks = []
    for question in summary.questions:
        block = QuestionBlock(question)
        uid = f"q{question.question.pk}"
        if question.is_matrix:
            block.stacked = stacked_chart(
                question.items, uid=uid, title=question.question.text
            )
        elif question.is_scale:
            item = question.items[0]
            if item.kind == FeedbackKind.RATING:
                colours = {9: TOP_BOX_COLOUR, 10: TOP_BOX_COLOUR}
            else:
                colours = LIKERT_COLOURS
            block.chart = bar_chart(
                item.bars, uid=uid, title=question.question.text, colours=colours
            )
        elif question.is_choice:
            block.chart = bar_chart(
                question.choice.bars, uid=uid, title=question.question.text
            )
        blocks.append(block)
    return blocks
