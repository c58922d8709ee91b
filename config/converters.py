"""URL converters shared by every app."""

from django.urls import register_converter


class IdConverter:
    """A primary key or a number: digits that fit a 64-bit column, so an absurdly long number
    answers 404 like any unknown one instead of overflowing in the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
