"""Typed readers for settings that come from the environment.

Every reader names the variable in its error, so a bad value stops start-up with a message
that says exactly what to fix (the README promises: "A bad value stops start-up with a message
naming the variable").
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be <= {maximum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_redis_url(name: str, default: str) -> str:
    url = env_str(name, default)
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must look like redis://host:port/db, got {url!r}")
    return url


def env_http_url(name: str, default: str) -> str:
    """An http(s) URL, or empty for "not configured"."""
    url = env_str(name, default).strip()
    if url and (urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname):
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, got {url!r}")
    return url


def env_database(name: str, default: str) -> dict[str, object]:
    """Parse a PostgreSQL URL (postgres://user:password@host:port/dbname) into DATABASES form."""
    url = env_str(name, default)
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL (postgres://user@host:5432/dbname), got scheme "
            f"{parts.scheme!r}"
        )
    database = parts.path.lstrip("/")
    if not database:
        raise ImproperlyConfigured(
            f"{name} must name a database, e.g. postgres://host/easy_islanders"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(database),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
    }
