"""Who may answer a sheet's questionnaire: a signed-in account who sees the sheet (the policy);
that it took part in the consultation and that the sheet is in evaluation are the service's
checks (403 and 409), since they read the data rather than the account."""

from __future__ import annotations

from policies import ACTIVE
from projects.permissions import SHEET_POLICY

SHEET_POLICY.extend(answer_evaluation=ACTIVE)
