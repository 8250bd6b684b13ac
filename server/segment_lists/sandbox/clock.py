"""The portal's clock: real or frozen, always aware, formatted as HubSpot formats timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, time_zone: str, frozen_now: datetime | None = None) -> None:
        self.zone = ZoneInfo(time_zone)
        self._frozen = frozen_now.astimezone(UTC) if frozen_now is not None else None
        self._shift = timedelta(0)

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def now(self) -> datetime:
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        return base + self._shift

    def advance(self, delta: timedelta) -> None:
        """Move the portal's clock forward (tests of relative-time filters)."""
        self._shift += delta

    def now_iso(self) -> str:
        return iso(self.now())

    def now_ms(self) -> int:
        return to_ms(self.now())


def iso(moment: datetime) -> str:
    """HubSpot's timestamp format: ISO-8601 UTC with milliseconds and a Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def exact_ms(moment: datetime) -> int:
    """Epoch ms of an aware moment in integer arithmetic (no float rounding): stored join times
    round-trip through iso() exactly."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def iso_from_ms(ms: int) -> str:
    return iso(EPOCH + timedelta(milliseconds=ms))
