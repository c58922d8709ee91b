"""The first version of the moderation charter, installed by a migration (staff publish the
next ones). Articles are cited by number in every decision."""

INTRODUCTION = (
    "Fabrique est un lieu de débat entre habitantes et habitants, services et élu·es de "
    "l'Eurométropole de Strasbourg. Cette charte dit ce qui peut y être écrit et comment la "
    "modération décide. La modération intervient après publication, sur signalement : elle ne "
    "modifie jamais le texte de quiconque ; elle masque un message en publiant à sa place le "
    "motif et l'article appliqué, et chaque décision peut faire l'objet d'un recours."
)

ARTICLES = [
    {
        "number": "1",
        "title": "Respect des personnes",
        "text": "Pas d'insulte, de moquerie, de harcèlement ni de propos haineux ou "
        "discriminatoires, envers quiconque : participants, agents, élu·es. On peut critiquer "
        "une idée ou une décision, pas attaquer une personne.",
    },
    {
        "number": "2",
        "title": "Rester dans le sujet",
        "text": "Un débat porte sur son objet. Les messages sans rapport avec lui peuvent être "
        "masqués ; ouvrez plutôt un autre débat.",
    },
    {
        "number": "3",
        "title": "Ni publicité ni messages répétés",
        "text": "Pas de publicité commerciale, de propagande électorale, de chaîne ni de même "
        "message publié plusieurs fois.",
    },
    {
        "number": "4",
        "title": "Données personnelles",
        "text": "Ne publiez pas d'information personnelle sur autrui (adresse, téléphone, "
        "situation familiale, santé, photo) sans son accord. Ne publiez pas non plus les "
        "vôtres au-delà du nécessaire.",
    },
    {
        "number": "5",
        "title": "Respect de la loi",
        "text": "Pas de diffamation, d'incitation à la violence ou à la haine, d'apologie de "
        "crime, ni de contenu qui porte atteinte aux droits d'autrui (droit d'auteur, vie "
        "privée). Les contenus manifestement illicites sont masqués et peuvent être signalés "
        "aux autorités.",
    },
    {
        "number": "6",
        "title": "Sincérité de la participation",
        "text": "Un compte par personne. Pas d'usurpation d'identité ni de comptes multiples "
        "pour peser sur un débat.",
    },
    {
        "number": "7",
        "title": "Comment la modération décide",
        "text": "Tout compte peut signaler un message, une fois, avec un motif. Une personne "
        "de la modération examine chaque signalement dans les 48 heures ouvrées ; elle ne "
        "modère jamais un débat auquel elle a pris part. Elle masque le message ou écarte le "
        "signalement, en donnant un motif et l'article appliqué ; l'auteur et les personnes "
        "qui ont signalé en sont informés. Les réponses à un message masqué restent visibles.",
    },
    {
        "number": "8",
        "title": "Recours",
        "text": "L'auteur d'un message masqué peut faire un recours, une fois, dans les 14 "
        "jours. Une autre personne de la modération que celle qui a masqué le message "
        "l'examine et confirme ou rétablit le message, avec un motif. Un message rétabli "
        "porte la mention « rétabli après recours ».",
    },
    {
        "number": "9",
        "title": "Transparence",
        "text": "La liste des personnes chargées de la modération et un registre mensuel "
        "(signalements par motif, décisions, délai médian, recours, rétablissements) sont "
        "publics. Le registre ne nomme ni les personnes qui signalent ni le texte masqué.",
    },
]
