import pytest
from django.core.exceptions import ImproperlyConfigured

from easy_islanders.env import env_bool, env_database, env_int, env_redis_url


def test_it_names_the_variable_of_a_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAT_MAX_MESSAGE_CHARS", "many")
    with pytest.raises(ImproperlyConfigured, match="CHAT_MAX_MESSAGE_CHARS"):
        env_int("CHAT_MAX_MESSAGE_CHARS", 4000)
    monkeypatch.setenv("WORKER_CONCURRENCY", "0")
    with pytest.raises(ImproperlyConfigured, match="WORKER_CONCURRENCY must be >= 1"):
        env_int("WORKER_CONCURRENCY", 100, minimum=1)
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", False)
    monkeypatch.setenv("REDIS_URL", "localhost:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env_redis_url("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DATABASE_URL", "mysql://x/y")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "postgres://127.0.0.1/db")


def test_it_reads_good_values_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLM_TIMEOUT_SECS", raising=False)
    assert env_int("LLM_TIMEOUT_SECS", 30) == 30
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p%40ss@db.example:6543/chat")
    database = env_database("DATABASE_URL", "")
    assert (
        database["USER"],
        database["PASSWORD"],
        database["HOST"],
        database["PORT"],
        database["NAME"],
    ) == ("u", "p@ss", "db.example", "6543", "chat")
