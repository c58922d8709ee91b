"""Fixtures shared by the workflow's page tests."""

import pytest

from .factories import make_ready, make_sheet


@pytest.fixture
def ready(make_workspace):
    """A complete sheet at the initiative stage, ready to move on, and its workspace's actors."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    return sheet, actors
