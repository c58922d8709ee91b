"""Two editors saving at the same moment from the same base: one version, one conflict."""

import threading

import pytest
from django.db import connection

from projects.errors import SheetConflict
from projects.models import ProjectSheet, SheetVersion
from projects.services import sheet_update

from .factories import make_sheet


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_edits_one_wins_one_conflicts(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def edit(name, actor, body):
        try:
            stale = ProjectSheet.objects.get(pk=sheet.pk)
            barrier.wait(timeout=10)
            sheet_update(actor=actor, sheet=stale, base_version=1, body=body)
            outcomes[name] = "saved"
        except SheetConflict as conflict:
            outcomes[name] = conflict
        except Exception as error:  # surfaced by the assertion below
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=("a", actors["editor"], "Texte A\n")),
        threading.Thread(target=edit, args=("b", actors["owner"], "Texte B\n")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    results = sorted(outcomes.values(), key=lambda o: o == "saved")
    assert results[1] == "saved", outcomes
    assert isinstance(results[0], SheetConflict), outcomes
    assert results[0].current_version == 2
    versions = SheetVersion.objects.filter(sheet=sheet)
    assert versions.count() == 2
    assert versions.get(number=2).body in {"Texte A\n", "Texte B\n"}
