"""Run a script in a fresh process under the production settings with only the given HAYSTACK_*
environment, and read the JSON it prints last: what the environment alone selects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_probe(script: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HAYSTACK_")}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings.production", PYTHONPATH=str(ROOT))
    environ.setdefault("SECRET_KEY", "x" * 50)
    environ.setdefault("ALLOWED_HOSTS", "fabrique.example.org")
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])
