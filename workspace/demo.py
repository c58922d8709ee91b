"""Demo workspaces and memberships, as listed in API.md."""

from accounts.demo import demo_user
from territories.models import Territory

from .models import Membership, Role, Workspace
from .permissions import institution_is_granted
from .services import membership_add, workspace_create, workspace_set_institution

# Staff grant the institution status (an owner cannot take it): the demo agent does it.
DEMO_GRANTOR = "agent@demo.fabrique.test"

DEMO_WORKSPACES = [
    {
        "slug": "collectif-velo-neudorf",
        "name": "Collectif vélo Neudorf",
        "kind": Workspace.Kind.CITIZEN_GROUP,
        "visibility": Workspace.Visibility.PUBLIC,
        "territory": "strasbourg",
        "owner": "alice@demo.fabrique.test",
        "description": "Habitant·es du Neudorf qui veulent des rues plus sûres pour les vélos.",
        "members": [("bob@demo.fabrique.test", Role.CONTRIBUTOR)],
    },
    {
        "slug": "atelier-cour-ecole",
        "name": "Atelier cour d'école",
        "kind": Workspace.Kind.CITIZEN_GROUP,
        "visibility": Workspace.Visibility.PRIVATE,
        "territory": "illkirch-graffenstaden",
        "owner": "carole@demo.fabrique.test",
        "description": "Parents et enseignant·es qui préparent la végétalisation d'une cour d'école.",
        "members": [],
    },
    {
        "slug": "service-mobilite-ems",
        "name": "Service mobilité de l'Eurométropole",
        "kind": Workspace.Kind.INSTITUTION,
        "visibility": Workspace.Visibility.PUBLIC,
        "territory": "eurometropole-de-strasbourg",
        "owner": "service@demo.fabrique.test",
        "description": "Le service qui conduit les projets de mobilité de la métropole.",
        "members": [],
    },
]


def seed() -> int:
    created = 0
    for spec in DEMO_WORKSPACES:
        owner = demo_user(spec["owner"])
        workspace = Workspace.objects.filter(slug=spec["slug"]).first()
        if workspace is None:
            workspace = workspace_create(
                actor=owner,
                slug=spec["slug"],
                name=spec["name"],
                kind=Workspace.Kind.CITIZEN_GROUP,
                visibility=spec["visibility"],
                territory=Territory.objects.filter(slug=spec["territory"]).first(),
                description=spec["description"],
            )
            created += 1
        if spec["kind"] == Workspace.Kind.INSTITUTION and not institution_is_granted(workspace):
            workspace = workspace_set_institution(
                actor=demo_user(DEMO_GRANTOR), workspace=workspace, granted=True
            )
        for email, role in spec["members"]:
            if not Membership.objects.filter(workspace=workspace, user__email=email).exists():
                membership_add(actor=owner, workspace=workspace, email=email, role=role)
    return created
