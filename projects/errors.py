"""Domain errors of the projects app (sheets, versions, framing notes)."""

from django.utils.translation import gettext_lazy as _

from errors import ConflictError, DomainError, ForbiddenError


class SheetError(DomainError):
    pass


class SheetPermissionDenied(ForbiddenError, SheetError):
    pass


class SheetConflict(ConflictError, SheetError):
    """An edit based on a version older than the current one: nothing is overwritten."""

    code = "version_conflict"

    def __init__(self, *, current_version: int, base_version: int) -> None:
        super().__init__(
            str(
                _(
                    "La fiche a été modifiée entre-temps : vous étiez parti·e de la version "
                    "%(base)s, la version actuelle est la %(current)s."
                )
                % {"base": base_version, "current": current_version}
            ),
            current_version=current_version,
        )
        self.current_version = current_version
        self.base_version = base_version


class SheetReadOnly(ConflictError, SheetError):
    code = "sheet_read_only"


class SheetUnchanged(SheetError):
    code = "unchanged"


class FramingNoteImmutable(ConflictError, SheetError):
    code = "framing_note_published"


class FramingNotePermissionDenied(ForbiddenError, SheetError):
    pass
