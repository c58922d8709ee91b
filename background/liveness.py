"""Is a process that wrote `host:pid` somewhere still alive? Answered at once on this host."""

from __future__ import annotations

import os
import socket


def this_host() -> str:
    return socket.gethostname()[:100]


def process_alive(host: str, pid: int) -> bool | None:
    """True/False for a process of this machine; None (unknown) for another machine's."""
    if host != this_host():
        return None
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
