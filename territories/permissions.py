"""Who may do what to territories: everyone reads them (public reference data); staff manage
the quartiers (the metropole and its communes come from the reference file)."""

from typing import Any

from policies import ANYONE, Policy, platform_role, policy_register

from .models import Territory

TERRITORY_POLICY = policy_register(
    Policy(
        Territory,
        workspace_path=None,
        rules={"view": ANYONE, "manage": platform_role("is_platform_staff")},
    )
)


def can_manage_quartiers(user: Any) -> bool:
    return TERRITORY_POLICY.rules["manage"].test(user, None, TERRITORY_POLICY)
