# Only what differs from django/conf/locale/fr/formats.py, which supplies the rest.
# Thousands are set apart by a narrow no-break space ("12 500"), as French typography and CLDR
# write them; Django's own French uses a wide one.
THOUSAND_SEPARATOR = "\u202f"
