"""The widget the communes' websites frame, its webmaster page, and the JSON feed."""
