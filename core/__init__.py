"""The ground floor shared by every app: domain errors, policies, state machines and the thin
interface layer (HTML and API helpers) that map them to pages and status codes."""
