"""Schedule expressions, checked as AWS documents them, before any call.

"When you create a State Manager association or a maintenance window in AWS
Systems Manager, you specify a schedule for when the window or the
association should run. You can specify a schedule as either a time-based
entry, called a cron expression, or a frequency-based entry, called a rate
expression." And: "When you create an association or a maintenance window,
you can specify a timestamp in Coordinated Universal Time (UTC) format so that
it runs once at the specified time. For example: ``at(2020-07-07T15:55:00)``"
(Reference: Cron and rate expressions for Systems Manager).

AWS's own pages disagree on how many fields a cron expression has ("Cron
expressions for maintenance windows have six required fields. Cron
expressions for associations have five [...] An additional field, the
Seconds field (the first in a cron expression), is optional"), and print
examples of five, six and seven fields (``cron(0 15 10 ? * *)`` with seconds
and no year, ``cron(0 16 ? * TUE *)`` with a year and no seconds). So an
expression is taken when any reading of its fields the pages use fits, and
refused only when none does: a check here must never refuse what the service
takes; it catches what cannot be a schedule (``cron(61 99 bad)``) before the
association runs on its targets.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "SCHEDULES",
    "check_offset",
    "check_request_schedule",
    "check_schedule",
    "is_cron",
    "schedule_problem",
]

_MONTHS = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
)
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


class _Field(NamedTuple):
    """One field of a cron expression: its range, and the names and marks it takes."""

    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    marks: str = ""


_SECONDS = _Field("seconds", 0, 59)
_MINUTES = _Field("minutes", 0, 59)
_HOURS = _Field("hours", 0, 23)
_DAY_OF_MONTH = _Field("day-of-month", 1, 31, (), "?LW")
_MONTH = _Field("month", 1, 12, _MONTHS)
_DAY_OF_WEEK = _Field("day-of-week", 1, 7, _DAYS, "?L#")
_YEAR = _Field("year", 1970, 2199)

#: The readings of an expression of each length, the first the usual one.
_READINGS: dict[int, list[tuple[_Field, ...]]] = {
    5: [(_MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK)],
    6: [
        (_MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK, _YEAR),
        (_SECONDS, _MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK),
    ],
    7: [(_SECONDS, _MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK, _YEAR)],
}

_RATE = re.compile(r"rate\((\d+) (minutes?|hours?|days?)\)")
_AT = re.compile(r"at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)")


def is_cron(expression: str) -> bool:
    """Whether ``expression`` is a cron expression (``cron(...)``)."""
    return expression.startswith("cron(")


def check_schedule(expression: str, member: str = "schedule_expression") -> None:
    """Refuse an expression no reading of AWS's documented syntax fits.

    Args:
        expression: ``cron(...)``, ``rate(...)`` or ``at(...)``.
        member: The member it is given for, to name in the message.

    Raises:
        ssmkit.errors.ValidationError: It is none of the three, or none of
            them written as AWS documents; the message says why.
    """
    why = schedule_problem(expression)
    if why is not None:
        msg = f"{member}: {expression!r} is not a schedule: {why}"
        raise ValidationError(msg, member=member, rule="schedule expression")


def check_request_schedule(request: Mapping[str, Any], member: str) -> None:
    """Check a request's schedule, and that a ``ScheduleOffset`` has a cron one.

    "Associations and maintenance windows support schedule offsets for cron
    expressions only."

    Raises:
        ssmkit.errors.ValidationError: Either is wrong.
    """
    expression = request.get(member)
    if isinstance(expression, str):
        check_schedule(expression, SCHEDULES[member])
        check_offset(request, member)


#: The members that hold a schedule (an association's, a window's), and their
#: attribute names.
SCHEDULES = {"ScheduleExpression": "schedule_expression", "Schedule": "schedule"}


def check_offset(request: Mapping[str, Any], member: str) -> None:
    """Refuse a ``ScheduleOffset`` beside a schedule that is not cron.

    "Associations and maintenance windows support schedule offsets for cron
    expressions only."

    Raises:
        ssmkit.errors.ValidationError: The request has both.
    """
    expression = request.get(member)
    offset = request.get("ScheduleOffset")
    if offset is not None and isinstance(expression, str) and not is_cron(expression):
        msg = (
            f"schedule_offset: works only with cron expressions, not with "
            f"{expression.split('(')[0]}() ({SCHEDULES[member]} is {expression!r})"
        )
        raise ValidationError(msg, member="schedule_offset", rule="cron only")


def schedule_problem(expression: str) -> str | None:
    if not isinstance(expression, str):
        return "expected text"
    if expression.startswith("cron(") and expression.endswith(")"):
        return _cron_problem(expression[5:-1])
    if expression.startswith("rate("):
        found = _RATE.fullmatch(expression)
        if found is None:
            return "a rate is rate(N minutes), rate(N hours) or rate(N days)"
        if int(found.group(1)) < 1:
            return "a rate's number is 1 or more"
        return None
    if expression.startswith("at("):
        found = _AT.fullmatch(expression)
        if found is None:
            return "a single run is at(YYYY-MM-DDTHH:MM:SS), in UTC"
        try:
            datetime.datetime.fromisoformat(found.group(1))
        except ValueError:
            return f"{found.group(1)} is not a date and time"
        return None
    return "expected cron(...), rate(...) or at(...)"


def _cron_problem(body: str) -> str | None:
    fields = body.split()
    readings = _READINGS.get(len(fields))
    if readings is None:
        return (
            f"a cron expression has 6 fields (minutes hours day-of-month month "
            f"day-of-week year), seconds first optionally; got {len(fields)}"
        )
    problems = []
    for reading in readings:
        problem = next(
            (p for p in map(_field_problem, fields, reading) if p is not None), None
        )
        problem = problem or _days_problem(fields, reading)
        if problem is None:
            return None
        problems.append(problem)
    return problems[0]


def _days_problem(
    fields: list[str], reading: tuple[tuple[object, ...], ...]
) -> str | None:
    names = [spec[0] for spec in reading]
    day, week = fields[names.index("day-of-month")], fields[names.index("day-of-week")]
    # "You can't specify the Day-of-month and Day-of-week fields in the same
    # cron expression. If you specify a value in one of the fields, you must
    # use a ? (question mark) in the other": where both are given, one is ?.
    if day != "?" and week != "?" and day != "*" and week != "*":
        return "day-of-month and day-of-week cannot both be given: one of them is ?"
    return None


def _field_problem(text: str, spec: _Field) -> str | None:
    if text == "*" or (text == "?" and "?" in spec.marks):
        return None
    for part in text.split(","):
        problem = _part_problem(part, *spec)
        if problem is not None:
            return problem
    return None


def _part_problem(
    part: str, name: str, low: int, high: int, names: tuple[str, ...], marks: str
) -> str | None:
    if not part:
        return f"{name} has an empty value"
    if "#" in part:
        if "#" not in marks:
            return f"{name} does not take #"
        day, _, nth = part.partition("#")
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            return f"{name} {part}: the week after # is 1 to 5"
        return _value_problem(day, name, low, high, names)
    if part in ("L", "LW") and "L" in marks:
        return None if part == "L" or "W" in marks else f"{name} does not take {part}"
    if part.endswith("L") and "L" in marks and name == "day-of-week":
        return _value_problem(part[:-1], name, low, high, names)
    if part.endswith("W") and "W" in marks:
        return _value_problem(part[:-1], name, low, high, names)
    base, slash, step = part.partition("/")
    if slash:
        if not step.isdigit() or int(step) < 1:
            return f"{name} {part}: the step after / is a whole number, 1 or more"
        if base == "*" or (base == "?" and "?" in marks):
            return None
    if "-" in base:
        first, _, last = base.partition("-")
        return _value_problem(first, name, low, high, names) or _value_problem(
            last, name, low, high, names
        )
    return _value_problem(base, name, low, high, names)


def _value_problem(
    value: str, name: str, low: int, high: int, names: tuple[str, ...]
) -> str | None:
    if value.upper() in names:
        return None
    if value.isdigit() and low <= int(value) <= high:
        return None
    if value.isdigit():
        return f"{name} {value} is out of range {low}-{high}"
    return f"{name} {value!r} is not a value of it"
