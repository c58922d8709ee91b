"""`make run`: production's behaviour on one machine over plain HTTP.

DEBUG off (the site's own error pages, never a traceback), static files under their hashed
names from WhiteNoise's manifest with long cache lifetimes, the page cache and persistent
database connections on (both base's defaults). Unlike `production`, it runs without a proxy or
TLS in front (no HTTPS redirect, cookies not marked Secure) and makes its own secret key:
`SECRET_KEY` when set, otherwise a random one written once to `var/secret_key` (readable by its
owner only), so sessions survive a restart. `dev` keeps the developer's mode (`make dev`:
runserver, DEBUG on).
"""

import os
import secrets
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False


def local_secret_key(path: Path) -> str:
    """The key in `path`, written first (mode 0600) when missing; two processes starting at
    once read the same key (the file is created exclusively, then read back)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):  # another process may be writing it this very moment
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise ImproperlyConfigured(f"{path} is empty: delete it or set SECRET_KEY.") from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = env("SECRET_KEY") or local_secret_key(VAR_DIR / "secret_key")
