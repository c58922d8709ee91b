"""The thin interface layer: pages (`interface.views`) and API views (`interface.api`) load an
object visible-or-404 through its policy, check the action or 403, and map domain errors to a
form error, a message or a status code (config.api's table)."""
