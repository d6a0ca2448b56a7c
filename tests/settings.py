"""Settings for the test suite: the project's settings with test defaults in the environment.

The live servers started by the integration tests inherit this environment, so the test
process and the stack under test agree on the database, Redis and the signing key.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/easy_islanders")
os.environ.setdefault("CHAT_SEND_RATE", "1000/min")
os.environ.setdefault("LOG_LEVEL", "INFO")

from easy_islanders.settings import *  # noqa: F403
