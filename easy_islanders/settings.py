"""Settings of Easy Islanders Chat: one file, every value from the environment.

Each variable is documented in `.env.example`. A `.env` file at the repository root is read
first (existing environment variables win), so operator commands such as
`celery -A easy_islanders inspect ping` see the same configuration as `make run`.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from easy_islanders.env import (
    env_bool,
    env_database,
    env_http_url,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

# --- Core -----------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. `make run` writes one to .env; in production set it "
            "to a long random string."
        )
    SECRET_KEY = "insecure-debug-only-key-never-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "rest_framework_simplejwt.token_blacklist",
    "accounts",
    "django.contrib.postgres",
    "catalog",
    "agents",
    "chat",
    "observability",
]

MIDDLEWARE = [
    "observability.middleware.CorrelationIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "easy_islanders.security.SecurityHeadersMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The API authenticates by bearer token, never by cookie, so its views are exempt (DRF);
    # the middleware still guards any form a later page might add.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Threads that run HTTP requests in each web process (easy_islanders/http.py); each holds at
# most one database connection while it works, so keep it at or below DB_POOL_MAX_SIZE.
WEB_THREADS = env_int("WEB_THREADS", 8, minimum=1)
# A request body not fully received within this many seconds is answered 408 (slow clients
# cannot hold a request open); at most WEB_MAX_CONNECTIONS connections (sockets included) are
# served at once per web process, more get 503.
HTTP_BODY_TIMEOUT_SECS = env_int("HTTP_BODY_TIMEOUT_SECS", 10, minimum=1)
WEB_MAX_CONNECTIONS = env_int("WEB_MAX_CONNECTIONS", 20_000, minimum=1)
# An idle keep-alive connection is closed after this many seconds. Longer than the idle time
# of the clients and proxies in front (browsers, nginx's 60 s, load balancers' 60 s): a server
# that closes first races the client's next request on that connection, which the client sees
# as a reset (2-3 % of POSTs at 1,000 streaming clients with 5 s, docs/performance.md).
WEB_KEEP_ALIVE_SECS = env_int("WEB_KEEP_ALIVE_SECS", 75, minimum=1)

ROOT_URLCONF = "easy_islanders.urls"
ASGI_APPLICATION = "easy_islanders.asgi.application"
TEMPLATES: list[dict[str, object]] = []
STATIC_URL = "static/"
# The web chat, built by `make run` / `make test` (npm run build in frontend/).
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
WHITENOISE_ROOT = FRONTEND_DIST
WHITENOISE_MAX_AGE = 3600
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- PostgreSQL -----------------------------------------------------------------------------
# Many threads touch the database (HTTP requests, socket handlers, the worker's turns); a
# process-wide pool bounds their connections (CONN_MAX_AGE must stay 0 with a pool: "closing" a
# connection returns it to the pool). No statement may run longer than DB_STATEMENT_TIMEOUT_MS.
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 15_000, minimum=100)
# The hot path's bound on one statement, the wait for a connection included: past it the
# connection is given up (PostgreSQL down, restarting, or out of reach on a silent network);
# an HTTP request answers 503 and a turn tries again until its deadline (easy_islanders/pg.py).
DB_TIMEOUT_SECS = env_int("DB_TIMEOUT_MS", 2_000, minimum=100) / 1000
DATABASES = {
    "default": {
        **env_database("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/easy_islanders"),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "options": f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}",
            # A server that is gone is given up in seconds, not at the kernel's TCP timeouts.
            "connect_timeout": max(1, round(DB_TIMEOUT_SECS)),
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            # Parameters travel apart from the statement (no quoting of a reply's text and cards
            # on the client: 8 % of the worker's CPU), and psycopg prepares repeated statements.
            "server_side_binding": True,
            "pool": {
                "min_size": 1,
                "max_size": env_int("DB_POOL_MAX_SIZE", 20, minimum=1),
                # Waiting longer for a connection only delays the 503 of an unreachable server.
                "timeout": max(DB_TIMEOUT_SECS, 5.0),
            },
        },
    }
}

# --- Redis: Celery broker, socket doorbells (pub/sub), throttle cache -----------------------
REDIS_URL = env_redis_url("REDIS_URL", "redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "easy_islanders.cache.SharedClientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ei",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# --- Browser security (docs/security.md) -----------------------------------------------------
# Behind a proxy that terminates TLS (it must set X-Forwarded-Proto): redirect to https, HSTS,
# secure cookies. Off for `make run` on http://127.0.0.1.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Other sites' pages may call the API (and open the socket) only from these origins, e.g.
# https://app.example.com. None by default: the web chat is served from the API's own origin.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = ["authorization", "content-type", "x-correlation-id"]
CORS_EXPOSE_HEADERS = ["X-Correlation-ID", "Retry-After"]
CORS_ALLOW_CREDENTIALS = False  # bearer tokens, no cookies

# --- Auth -----------------------------------------------------------------------------------
JWT_ACCESS_TTL_SECS = env_int("JWT_ACCESS_TTL_SECS", 900, minimum=5)
JWT_REFRESH_TTL_SECS = env_int("JWT_REFRESH_TTL_SECS", 7 * 24 * 3600, minimum=60)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=JWT_ACCESS_TTL_SECS),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=JWT_REFRESH_TTL_SECS),
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY", "") or SECRET_KEY,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
    # A refresh token is good for one use: each refresh returns a new one and retires the old,
    # so a stolen refresh token that the rightful tab has already used is refused.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "TOKEN_OBTAIN_SERIALIZER": "accounts.serializers.TokenObtainRequest",
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshRequest",
}
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")
# A deactivated account is refused everywhere within this many seconds (each process asks
# PostgreSQL at most this often per user, not on every request; accounts/activity.py).
AUTH_ACTIVE_CHECK_SECS = env_int("AUTH_ACTIVE_CHECK_SECS", 10, minimum=0)

# --- HTTP API -------------------------------------------------------------------------------
# The reverse proxies in front whose X-Forwarded-For / X-Forwarded-Proto are believed
# (addresses or networks). None by default: any client may send those headers, so a client
# address taken from them is only as good as the proxy that wrote them.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", [])
CHAT_SEND_RATE = env_str("CHAT_SEND_RATE", "60/min")
# Log-ins per client address, and per account whatever the address (against password guessing
# from one place, and from many).
AUTH_RATE = env_str("AUTH_RATE", "30/min")
AUTH_ACCOUNT_RATE = env_str("AUTH_ACCOUNT_RATE", "10/min")
# Enquiries about listings one user may send (against flooding the listings' providers).
ENQUIRY_RATE = env_str("ENQUIRY_RATE", "20/hour")
# New conversations and renames one user may make (against filling every device's list).
THREAD_WRITE_RATE = env_str("THREAD_WRITE_RATE", "30/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["easy_islanders.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "easy_islanders.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": AUTH_RATE,
        "auth_account": AUTH_ACCOUNT_RATE,
        "enquiry": ENQUIRY_RATE,
        "thread_write": THREAD_WRITE_RATE,
    },
    "UNAUTHENTICATED_USER": None,
    # Throttles key anonymous callers by REMOTE_ADDR, never by a client-sent X-Forwarded-For
    # (DRF's default would trust it). The server resolves X-Forwarded-For itself, and only from
    # a trusted proxy (uvicorn's forwarded_allow_ips: FORWARDED_ALLOW_IPS, none by default).
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Easy Islanders Chat API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "easy_islanders.openapi.contract_errors",
    ],
}
# A message is at most CHAT_MAX_MESSAGE_CHARS characters; a body far larger than that is
# refused before it is parsed (413).
CHAT_MAX_MESSAGE_CHARS = env_int("CHAT_MAX_MESSAGE_CHARS", 4000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(64 * 1024, CHAT_MAX_MESSAGE_CHARS * 4 * 2)

# `POST /api/chat/` is answered on the event loop (chat/api/accept.py: one SQL statement, no
# thread hop); off, Django's DRF view answers it the same way (for comparison, measured in
# docs/performance.md).
CHAT_ACCEPT_ON_LOOP = env_bool("CHAT_ACCEPT_ON_LOOP", True)
# Once the oldest turn waiting in the broker has waited this long (every worker is full), or
# this many wait, new messages are refused at once (503 `overloaded`, Retry-After) rather than
# accepted to fail at their deadline (chat/admission.py).
CHAT_MAX_QUEUE_WAIT_SECS = env_int("CHAT_MAX_QUEUE_WAIT_SECS", 10, minimum=1)
CHAT_MAX_BACKLOG = env_int("CHAT_MAX_BACKLOG", 2000, minimum=1)

# --- The chat turn --------------------------------------------------------------------------
CHAT_TURN_DEADLINE_SECS = env_int("CHAT_TURN_DEADLINE_SECS", 120, minimum=5)
CHAT_REPLAY_MAX_EVENTS = env_int("CHAT_REPLAY_MAX_EVENTS", 5000, minimum=1)
CHAT_TOKEN_EXPIRING_LEAD_SECS = env_int("CHAT_TOKEN_EXPIRING_LEAD_SECS", 60, minimum=1)
CHAT_HISTORY_TURNS = env_int("CHAT_HISTORY_TURNS", 20, minimum=1)
CHAT_MAX_SOCKETS_PER_USER = env_int("CHAT_MAX_SOCKETS_PER_USER", 10, minimum=1)
# A socket whose client does not read for this long is closed (it reconnects with last_seq),
# so a slow consumer cannot make the server buffer without bound.
CHAT_SOCKET_SEND_TIMEOUT_SECS = env_int("CHAT_SOCKET_SEND_TIMEOUT_SECS", 10, minimum=1)
# Client frames a socket may send per second on average (bursts of twice that); a socket
# sending faster is closed with 4429.
CHAT_SOCKET_FRAMES_PER_SEC = env_int("CHAT_SOCKET_FRAMES_PER_SEC", 20, minimum=1)

# --- The agent ------------------------------------------------------------------------------
# Unset LLM_BASE_URL: the embedded local agent answers. Set: any OpenAI-compatible endpoint,
# with the local agent as its fallback.
LLM_BASE_URL = env_http_url("LLM_BASE_URL", "")
# auto: the LLM when LLM_BASE_URL is set, else the local agent; local; instant (load tests).
CHAT_AGENT = env_str("CHAT_AGENT", "auto")
if CHAT_AGENT not in {"auto", "local", "instant"}:
    raise ImproperlyConfigured(f"CHAT_AGENT must be auto, local or instant, got {CHAT_AGENT!r}")
LLM_API_KEY = env_str("LLM_API_KEY", "")
LLM_MODEL = env_str("LLM_MODEL", "gpt-4o-mini")
LLM_TIMEOUT_SECS = env_int("LLM_TIMEOUT_SECS", 20, minimum=1)
LLM_MAX_ATTEMPTS = env_int("LLM_MAX_ATTEMPTS", 3, minimum=1, maximum=10)

# --- Celery ---------------------------------------------------------------------------------
# Turns one worker process runs at once: coroutines on its turn loop, each with a pool thread
# that only waits for it (chat/turns/loop.py), and as many LLM connections.
WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 1000, minimum=1)
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Turns are safe to deliver twice (the claim is a conditional UPDATE) and PostgreSQL, not the
# broker, is what guarantees they run: the sweep (chat.turns.sweeper) queues again any turn whose
# worker died or whose message Redis lost. So Redis's acknowledgement emulation is off: it adds
# nothing the sweep does not do, and on a Redis restart it crashes the worker while restoring
# unacknowledged messages (kombu). Late acks still apply on brokers with real acknowledgements.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "ack_emulation": False,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Publishing a turn must fail fast when Redis is down so the API can answer 503 at once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_WORKER_POOL = "threads"
CELERY_WORKER_CONCURRENCY = WORKER_CONCURRENCY
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The broker queue of chat turns; workers with another agent set-up may take another one.
CELERY_TASK_DEFAULT_QUEUE = env_str("CHAT_QUEUE", "chat")
# Workers beat every WORKER_HEARTBEAT_SECS; one silent for three beats is taken for dead and
# its running turns are queued again by the sweep (every CHAT_SWEEP_INTERVAL_SECS), which
# also re-queues turns left unclaimed for CHAT_REQUEUE_AFTER_SECS.
WORKER_HEARTBEAT_SECS = env_int("WORKER_HEARTBEAT_SECS", 5, minimum=1)
CHAT_SWEEP_INTERVAL_SECS = env_int("CHAT_SWEEP_INTERVAL_SECS", 5, minimum=1)
CHAT_REQUEUE_AFTER_SECS = env_int("CHAT_REQUEUE_AFTER_SECS", 15, minimum=1)

# --- Metrics --------------------------------------------------------------------------------
# Every process (web, worker) writes its Prometheus samples to PROMETHEUS_MULTIPROC_DIR and
# /metrics merges them. prometheus_client reads it when first imported, which for the worker is
# before these settings (celery's CLI loads flower), so `make run` exports it; the default here
# serves the other entry points. `make run` empties it at start.
METRICS_DIR = Path(env_str("PROMETHEUS_MULTIPROC_DIR", str(BASE_DIR / ".run" / "prometheus")))
METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
# Who may read /metrics: a scraper presenting METRICS_TOKEN as a bearer token, or a client on
# one of METRICS_ALLOWED_NETWORKS (the address the server resolved: see FORWARDED_ALLOW_IPS).
# Anyone else gets 403: the samples describe the system's load to whoever asks.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = [  # a malformed network stops the start, not a scrape
    str(ipaddress.ip_network(network, strict=False))
    for network in env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
]
# SQL statements slower than this are logged as `slow_query` and counted.
SLOW_QUERY_MS = env_int("SLOW_QUERY_MS", 100, minimum=1)

# --- Logging --------------------------------------------------------------------------------
# Logging is configured per process (web → api.log, worker → celery.log) by
# observability.logging.configure_logging, not by Django's LOGGING setting.
LOGGING_CONFIG = None
LOG_DIR = Path(env_str("LOG_DIR", str(BASE_DIR / "logs")))
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {LOG_LEVEL!r}"
    )
