"""Calendar arithmetic shared by assignments (cycles, deadlines) and certificates
(validity): months added the way people count them, days bounded in local time."""

import calendar
from datetime import date, datetime, time

from django.utils import timezone

END_OF_DAY = time(23, 59, 59)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last
    day when the month is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: date) -> datetime:
    """23:59:59 of ``day`` in local time."""
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def start_of_day(day: date) -> datetime:
    """Midnight starting ``day`` in local time."""
    return timezone.make_aware(datetime.combine(day, time.min))
