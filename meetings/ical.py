"""An iCalendar (RFC 5545) event for one meeting, written by hand: escaping (§3.3.11) and line
folding at 75 octets (§3.1), times in UTC."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import Meeting


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    # Other control characters have no place in a TEXT value.
    return "".join(ch for ch in text if ch == "\t" or ord(ch) >= 32 and ord(ch) != 127)


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and one space, never
    splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ical(meeting: Meeting, *, url: str, host: str) -> str:
    location = ", ".join(part for part in (meeting.place, meeting.address) if part)
    description = meeting.description
    if meeting.online_url:
        description = f"{description}\n\n{meeting.online_url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Fabrique//Reunions//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts)}",
        f"DTEND:{_utc(meeting.ends)}",
        f"SUMMARY:{_escape(meeting.title)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "STATUS:CANCELLED" if meeting.state == Meeting.State.CANCELLED else "STATUS:CONFIRMED",
        f"LAST-MODIFIED:{_utc(meeting.updated)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
