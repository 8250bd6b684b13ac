"""Q2 in the user's words ("email open or click in the last 90 days, website visit in 60 days") ->
engagement signals, and the words that map to none.

What cannot be mapped is returned, never dropped: the catalog turns it into a question on the
engagement lists. A signal named without a window takes the skill's default window (90 days).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from segment_lists.domain.catalog import Signal, SignalKind

DEFAULT_WINDOW_DAYS = 90

# Keyword -> the signals it names. Checked on whole words (English) or substrings (Chinese).
_KIND_WORDS: tuple[tuple[re.Pattern[str], tuple[SignalKind, ...]], ...] = (
    (re.compile(r"\bopen(?:s|ed|ing)?\b|打开|开启"), ("email_open",)),
    (re.compile(r"\bclick(?:s|ed|ing)?\b|点击"), ("email_click",)),
    (re.compile(r"\b(?:web\s*site|site|page\s*views?|pageviews?|visit(?:s|ed)?)\b|访问|网站|浏览"), ("website_visit",)),
    (re.compile(r"\b(?:forms?|submission|submit(?:s|ted)?|conversions?|converted)\b|表单|提交"), ("form_submission",)),
    (re.compile(r"\b(?:meetings?|booked|booking)\b|会议|预约"), ("meeting_booked",)),
)
# "email" alone (email engagement, any email activity) means an open or a click.
_EMAIL = re.compile(r"\be-?mails?\b|邮件")
_DEFAULT = re.compile(r"^\s*(?:the\s+)?defaults?\s*$|^\s*默认\s*$")

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}
_UNITS = r"(?P<unit>days?|d|天|日|weeks?|wks?|w|周|星期|months?|mos?|个月|月|quarters?|季度|years?|yrs?|年)"
_WINDOW = re.compile(
    r"(?P<count>\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s*-?\s*" + _UNITS + r"(?![a-z])"
    r"|(?P<half>half\s+(?:a\s+)?year|半年)"
    r"|(?P<bare>\b(?:last|past)\s+(?:quarter|month|week|year)\b)"
)
# Splits a sentence into parts that each name one or more signals.
_PARTS = re.compile(r"\s*(?:,|;|\band\b|\bor\b|/|、|，|；|或者|或|以及|及|和|\+|&)\s*")
_CLAUSES = re.compile(r"\s*(?:,|;|，|；)\s*")
_FILLER = re.compile(
    r"\b(?:any|a|an|the|in|within|during|over|last|past|of|at|least|once|some|recent|recently|contacts?|who|"
    r"has|have|had|with|by|on|for|engagement|engaged|activity|activities|active|interaction|interactions|"
    r"marketing|signal|signals|our|us|we|they|them|means?|counts?|as|is|are|be|been|was|were|ago|from|"
    r"either|both|only|just|did|do|does|sent|ever)\b|过去|最近|内|以内|之内|任何|的|有|次|互动|活跃|营销"
)


@dataclass
class Activity:
    """What the user's words mean: the signals found, in order, and the words that map to none."""

    signals: list[Signal] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    is_default: bool = False


def _unit_days(unit: str) -> int:
    unit = unit.lower()
    if unit in {"天", "日"} or unit.startswith("d"):
        return _UNIT_DAYS["day"]
    if unit in {"周", "星期"} or unit.startswith("w"):
        return _UNIT_DAYS["week"]
    if unit in {"个月", "月"} or unit.startswith("mo"):
        return _UNIT_DAYS["month"]
    if unit == "季度" or unit.startswith("q"):
        return _UNIT_DAYS["quarter"]
    return _UNIT_DAYS["year"]


def _window(text: str) -> int | None:
    match = _WINDOW.search(text)
    if match is None:
        return None
    if match.group("half"):
        return 180
    if match.group("bare"):
        return _UNIT_DAYS[match.group("bare").split()[-1]]
    count = match.group("count")
    number = int(count) if count.isdigit() else _NUMBER_WORDS[count]
    return number * _unit_days(match.group("unit"))


def _kinds(text: str) -> list[SignalKind]:
    kinds: list[SignalKind] = []
    for pattern, named in _KIND_WORDS:
        if pattern.search(text):
            kinds += [kind for kind in named if kind not in kinds]
    if _EMAIL.search(text) and not {"email_open", "email_click"} & set(kinds):
        kinds = ["email_open", "email_click", *kinds]
    return kinds


def _meaningful(text: str) -> bool:
    """Anything left once windows, filler words and signal words are taken out."""
    rest = _WINDOW.sub(" ", text)
    rest = _FILLER.sub(" ", rest)
    rest = _EMAIL.sub(" ", rest)
    for pattern, _ in _KIND_WORDS:
        rest = pattern.sub(" ", rest)
    return bool(re.search(r"[a-z\u4e00-\u9fff]", rest))


def read_activity(words: str) -> Activity:
    """The signals `words` name, each with its window (the next window in the same clause, else the
    previous one, else the default); clauses that name no signal come back as `unmapped`."""
    text = " ".join(words.lower().split())
    if _DEFAULT.match(text):
        return Activity(is_default=True)
    found: dict[SignalKind, int] = {}
    unmapped: list[str] = []
    for clause in filter(None, _CLAUSES.split(text)):
        pending: list[SignalKind] = []
        last_window: int | None = None
        for part in filter(None, _PARTS.split(clause)):
            kinds, window = _kinds(part), _window(part)
            if not kinds:
                if window is not None:
                    last_window = window
                    for kind in pending:
                        found.setdefault(kind, window)
                    pending = []
                if _meaningful(part):
                    unmapped.append(part.strip())
                continue
            if window is None:
                pending += kinds
                continue
            last_window = window
            for kind in [*pending, *kinds]:
                found.setdefault(kind, window)
            pending = []
        for kind in pending:
            found.setdefault(kind, last_window or DEFAULT_WINDOW_DAYS)
    signals = []
    for kind, days in found.items():
        if not 1 <= days <= 3650:
            unmapped.append(f"{kind.replace('_', ' ')} within {days} days (windows are 1 to 3650 days)")
            continue
        signals.append(Signal(kind=kind, window_days=days))
    return Activity(signals=signals, unmapped=list(dict.fromkeys(unmapped)))
