"""The archives: ended sheets (archived, abandoned) by year, territory, theme and level, and the
open-data export of the public sheets."""
