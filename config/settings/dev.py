"""Local one-machine settings used by `make run` and `manage.py` by default."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
