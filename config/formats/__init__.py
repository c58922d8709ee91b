"""Where Fabrique's date and number formats differ from Django's for a language (FORMAT_MODULE_PATH)."""
