"""Numbers, amounts of money, file sizes and days written as a reader of the active language
expects.

French: "12 500" (narrow no-break space, from config/formats/fr), "3,5", "12 500 €", "1,5 Mo",
"30 novembre 2026"; English: "12,500", "3.5", "€12,500", "1.5 MB", "Nov. 30, 2026". Pages load them with `{% load formats %}`
(registered in the TEMPLATES settings); Python messages call the functions. The API keeps
numbers as numbers: these are for people only.

USE_THOUSAND_SEPARATOR stays off on purpose: it would also group identifiers, page numbers and
attribute values that templates print (`start="1001"`, `?page=1000`), so grouping is asked for
where a number is read by people.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

register = template.Library()

NBSP = "\u00a0"  # between a number and its unit, so they never part at a line's end


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def number(value: Any, decimals: int | None = None) -> str:
    """A number grouped by thousands, with the language's decimal mark; decimals as given
    (None: as many as the value has). Anything that is not a number comes back unchanged."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def money(value: Any) -> str:
    """Euros: "12 500 €" / "€12,500"; cents only when there are some ("12 500,50 €")."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    decimals = 0 if amount == amount.to_integral_value() else 2
    # Translators: an amount in euros; French puts the sign after, with a no-break space.
    return gettext("%(amount)s\u00a0€") % {"amount": number(amount, decimals)}


_UNITS = (
    # Translators: file sizes (1 Ko = 1 024 octets).
    (1024**4, lambda size: gettext("%(size)s\u00a0To") % {"size": size}),
    (1024**3, lambda size: gettext("%(size)s\u00a0Go") % {"size": size}),
    (1024**2, lambda size: gettext("%(size)s\u00a0Mo") % {"size": size}),
    (1024, lambda size: gettext("%(size)s\u00a0Ko") % {"size": size}),
)


@register.filter
def filesize(value: Any) -> str:
    """A size in bytes as "1,5 Mo", "320 Ko", "500 octets" (English: "1.5 MB", "320 KB").

    Binary multiples, like the upload limit and the quotas; one decimal, dropped when it is 0.
    Django's filesizeformat says "1,5 Mio" and "320,0 Kio" in French, which readers do not use.
    """
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    size = int(amount)
    for base, label in _UNITS:
        if abs(size) >= base:
            scaled = round(Decimal(size) / base, 1)
            decimals = 0 if scaled == scaled.to_integral_value() else 1
            return label(number(scaled, decimals))
    return ngettext("%(size)s\u00a0octet", "%(size)s\u00a0octets", abs(size)) % {
        "size": number(size)
    }


@register.filter
def day(value: Any) -> str:
    """A day as the language writes it in full ("30 novembre 2026"), from a date, a datetime
    or the ISO text a sheet's date sections hold ("2026-11-30")."""
    when = value
    if isinstance(value, str):
        try:
            when = datetime.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(when, datetime.datetime):
        when = timezone.localtime(when) if timezone.is_aware(when) else when
    if not isinstance(when, datetime.date):
        return "" if value is None else str(value)
    return formats.date_format(when, "DATE_FORMAT")
