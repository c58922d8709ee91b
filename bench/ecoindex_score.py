"""The EcoIndex formula lives in the app (portal/footprint/ecoindex.py: /impact/ needs it at
runtime); the benchmark imports it from there. Kept so that `bench.ecoindex_score` still names it."""

from portal.footprint.ecoindex import (  # noqa: F401
    DOM_BOUNDS,
    GRADES,
    REQUEST_BOUNDS,
    SIZE_KB_BOUNDS,
    PageMeasure,
    ghg_grams,
    grade,
    position,
    score,
    water_centilitres,
)
