"""Flywheel settings, read from the environment.

Production is the default: DEBUG is off, cookies are secure and a real SECRET_KEY and
ALLOWED_HOSTS are required. Development opts in with ``DEBUG=1`` (``./flywheel up`` and
``./flywheel test`` do that for you). Every variable is documented where it is read.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# DEBUG: development mode (GraphiQL, detailed errors, media served by Django). Off unless asked.
DEBUG = env_bool("DEBUG", False)

# SECRET_KEY: signs sessions and CSRF tokens. Required in production.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# ALLOWED_HOSTS: comma-separated host names this deployment answers to. Required in production.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

# DATABASE_URL: PostgreSQL, e.g. postgres://user:pass@host:5432/flywheel. The run and test
# commands point it at a project-local cluster they start themselves.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use ./flywheel up (it starts a local PostgreSQL) "
        "or export DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME."
    )
_database = dj_database_url.parse(DATABASE_URL)
if _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Flywheel runs on PostgreSQL only; DATABASE_URL must be postgres://")
# DATABASE_POOL: psycopg connection pooling (Django's built-in pool). On by default.
if env_bool("DATABASE_POOL", True):
    _database["CONN_MAX_AGE"] = 0
    # a pooled connection is checked before it is handed out (Django passes psycopg_pool's
    # check_connection), so the first request after PostgreSQL restarts gets a live one
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 20),
        # seconds a request waits for a connection before it is answered 503 (PostgreSQL down)
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }
# DATABASE_PGBOUNCER: DATABASE_URL points at PgBouncer in transaction mode, where a server
# connection is only ours for one transaction, so no server-side cursors (they outlive it).
# Prepared statements are no concern: Django's psycopg backend binds parameters on the client
# (server_side_binding off), so it never prepares a statement on the server.
if env_bool("DATABASE_PGBOUNCER", False):
    _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES = {"default": _database}
# DATABASE_REPLICA_URL: a streaming read replica of the primary (optional). Read-only GraphQL
# operations read from it (platform.replica): REPLICA_MAX_LAG_SECONDS is the most it may lag
# before reads go back to the primary, measured every REPLICA_CHECK_SECONDS; a viewer who just
# wrote reads from the primary for READ_YOUR_WRITES_SECONDS.
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    _replica = {**_database, **dj_database_url.parse(DATABASE_REPLICA_URL)}
    _replica["CONN_MAX_AGE"] = _database.get("CONN_MAX_AGE", 0)
    _replica["OPTIONS"] = {
        **_database.get("OPTIONS", {}),
        # a replica that is down must not hold a request for the pool's whole wait
        "connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2),
        "application_name": "flywheel-replica-reads",
    }
    if "pool" in _replica["OPTIONS"]:
        _replica["OPTIONS"]["pool"] = {**_replica["OPTIONS"]["pool"], "timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2)}
    _replica["TEST"] = {"MIRROR": "default"}  # tests that do not start a replica read the primary
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["platform.replica.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 2)
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL: optional. When set, the cache and the channel layer (live events across server
# processes) use Redis; otherwise both stay in this process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.retry import Retry

    # After Redis restarts, every pooled connection is dead; redis-py's default is to fail the
    # first command on each. Retried on a fresh connection, the first request after a restart
    # succeeds. Never for timeouts: a command that timed out may have run.
    def _redis_retry(kind):
        return {"retry": kind(ExponentialBackoff(cap=0.5, base=0.05), 2), "retry_on_error": [RedisConnectionError]}

    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _redis_retry(Retry),
        }
    }
    # channels-redis waits on Redis with 5 s BLPOPs; redis-py 8 also gives up reading a socket
    # after 5 s by default, so the socket timeout must be longer than the BLPOP.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30, **_redis_retry(AsyncRetry)}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "channels",
    "strawberry_django",
    "django.contrib.postgres",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "videos",
    "feed",
    "notifications",
    "platform.apps.PlatformConfig",
]

# Django's own middleware, each run on the event loop rather than a thread hop per hook
# (platform/middleware_on_loop.py says why that is safe, and for which version).
MIDDLEWARE = [
    "platform.unavailable.DatabaseUnavailableMiddleware",
    "platform.middleware_on_loop.OnLoopSecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "platform.middleware_on_loop.OnLoopSessionMiddleware",
    "platform.middleware_on_loop.OnLoopCommonMiddleware",
    "platform.middleware_on_loop.OnLoopCsrfViewMiddleware",
    "platform.middleware_on_loop.OnLoopAuthenticationMiddleware",
    "accounts.middleware.BearerTokenMiddleware",
    "platform.middleware_on_loop.OnLoopMessageMiddleware",
    "platform.middleware_on_loop.OnLoopXFrameOptionsMiddleware",
]

# Django's W001-W003 look for the stock middleware by path; platform/checks.py stands in for
# them, accepting the on-loop subclasses above.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

ROOT_URLCONF = "platform.urls"
ASGI_APPLICATION = "platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# What turns a bearer token into its account, for websockets' connection_init (platform/graphql/
# websocket.py); HTTP requests go through accounts' middleware above. Named here, as the user
# model is, so the kernel never imports the app that issues tokens.
BEARER_TOKEN_READER = "accounts.services.tokens.user_for_token"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ACCESS_TOKEN_TTL_DAYS: lifetime of the bearer tokens that `login` returns to apps.
ACCESS_TOKEN_TTL = timedelta(days=env_int("ACCESS_TOKEN_TTL_DAYS", 30))
# LOGIN_ADDRESS_FAILURES: failed sign-ins allowed from one client address (any account names),
# as count/period. Ten minutes, not an hour: a shared or carrier-NAT address that one guesser
# exhausts locks its other users out only that long (the per-account back-offs below bound the
# guessing of any one account).
LOGIN_ADDRESS_FAILURES = os.environ.get("LOGIN_ADDRESS_FAILURES", "20/10m")
# LOGIN_FREE_FAILURES: wrong passwords for one account from one address before each further
# failure doubles the wait (1 s, 2 s, 4 s, ... up to LOGIN_LONGEST_WAIT seconds). Only that
# address waits: a stranger cannot lock the owner out.
LOGIN_FREE_FAILURES = env_int("LOGIN_FREE_FAILURES", 5)
LOGIN_LONGEST_WAIT = env_int("LOGIN_LONGEST_WAIT", 15 * 60)
# LOGIN_ACCOUNT_FREE_FAILURES: wrong passwords for one account from any addresses before each
# further one doubles a wait of at most LOGIN_ACCOUNT_LONGEST_WAIT seconds: sixty addresses
# guessing together get a guess a minute, and the owner waits a minute at worst.
LOGIN_ACCOUNT_FREE_FAILURES = env_int("LOGIN_ACCOUNT_FREE_FAILURES", 20)
LOGIN_ACCOUNT_LONGEST_WAIT = env_int("LOGIN_ACCOUNT_LONGEST_WAIT", 60)

# Email leaves from the task queue (accounts.tasks), never inside a request. EMAIL_BACKEND:
# the console in development; SMTP in production with EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS. Tests use Django's memory outbox.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# EMAIL_FILE_PATH: the folder Django's file backend (EMAIL_BACKEND=…filebased.EmailBackend) writes to.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Flywheel <no-reply@flywheel.localhost>")
# SITE_URL: this server's public address, for links in emails (`./flywheel up` sets it to the
# address it serves).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# ACCOUNT_LINK_BASE: where the front end takes the links in account emails; it reads the
# token from the query string and calls verifyEmail, confirmEmailChange or resetPassword.
# By default this server's own minimal pages (accounts/views.py, served with DEBUG on).
ACCOUNT_LINK_BASE = os.environ.get("ACCOUNT_LINK_BASE", f"{SITE_URL}/account")
# ACCOUNT_LINK_PAGES: serve those minimal pages at /account/… (on by default with DEBUG).
ACCOUNT_LINK_PAGES = env_bool("ACCOUNT_LINK_PAGES", DEBUG)
# EMAIL_TOKEN_MAX_AGE_HOURS: how long a verify-your-address link works.
EMAIL_TOKEN_MAX_AGE = timedelta(hours=env_int("EMAIL_TOKEN_MAX_AGE_HOURS", 72))
# PASSWORD_RESET_TIMEOUT (Django's): seconds a reset link works; it also stops working once used.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 3600)
# ACCOUNT_DELETION_GRACE_DAYS: a deleted account is hidden at once and erased after this many
# days; signing in before then brings it back.
ACCOUNT_DELETION_GRACE = timedelta(days=env_int("ACCOUNT_DELETION_GRACE_DAYS", 30))
# TRENDING_WINDOW_DAYS / TRENDING_CACHE_SECONDS: trending hashtags and sounds count the public
# videos published in this window, recomputed at most this often (shared through the cache).
TRENDING_WINDOW_DAYS = env_int("TRENDING_WINDOW_DAYS", 7)
TRENDING_CACHE_SECONDS = env_int("TRENDING_CACHE_SECONDS", 300)
# FEED_STATS_FLUSH_SECONDS: how often each process adds what For You served to the dashboard's
# daily figures (feed.services.serve_stats).
FEED_STATS_FLUSH_SECONDS = env_int("FEED_STATS_FLUSH_SECONDS", 60)
# DASHBOARD_CACHE_SECONDS: how long the admin dashboard's figures are kept between queries.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)
# HEALTH_CACHE_SECONDS: how often each process runs its readiness checks at most (/health/ready).
HEALTH_CACHE_SECONDS = env_int("HEALTH_CACHE_SECONDS", 2)
# COLLECTIONS_MAX: named lists of saved videos one account may keep.
COLLECTIONS_MAX = env_int("COLLECTIONS_MAX", 100)
# DATA_EXPORT_LINK_DAYS: how long the emailed link to an account's data export works.
DATA_EXPORT_LINK_TTL = timedelta(days=env_int("DATA_EXPORT_LINK_DAYS", 7))
# UNVERIFIED_EMAIL_BLOCKS: what an account cannot do until its address is verified.
UNVERIFIED_EMAIL_BLOCKS = env_list("UNVERIFIED_EMAIL_BLOCKS", ["upload"])

# AVATAR_MAX_BYTES: largest avatar image accepted by updateProfile.
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024)

# Background work (the video review pipeline) runs on a real queue: django-tasks with its
# database backend, worked by `python manage.py db_worker`. TASKS_IMMEDIATE=1 runs tasks in
# the request instead (tests, and a demo without a worker).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# WORKER_LEASE_SECONDS: a task whose worker has not beaten its heart for this long is taken up
# again, at most WORKER_MAX_ATTEMPTS times in all; a video review that never finishes then goes
# to the moderators' queue with the reason (platform/worker.py; the video review's part: videos/task_recovery.py).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60)
# Idempotency keys (mutations' idempotencyKey, watch batches' batchId) are honoured this long;
# the worker forgets older ones.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)
WORKER_MAX_ATTEMPTS = env_int("WORKER_MAX_ATTEMPTS", 3)

# Uploads and the review pipeline's quality gate.
VIDEO_MAX_BYTES = env_int("VIDEO_MAX_BYTES", 200 * 1024 * 1024)
VIDEO_ALLOWED_EXTENSIONS = ["mp4", "mov", "m4v", "webm", "mkv"]
VIDEO_MIN_SHORT_SIDE = env_int("VIDEO_MIN_SHORT_SIDE", 240)
VIDEO_MIN_DURATION_MS = env_int("VIDEO_MIN_DURATION_MS", 2000)
VIDEO_MAX_DURATION_MS = env_int("VIDEO_MAX_DURATION_MS", 10 * 60 * 1000)
# Audio quieter than this (RMS, dBFS) counts as silent; more than this share of samples at full
# scale counts as clipping.
VIDEO_SILENCE_DBFS = -50.0
VIDEO_CLIPPING_RATIO = 0.25
# Two videos whose sampled frames differ by at most this many bits (of 64) on average are the
# same picture re-encoded.
VIDEO_NEAR_DUPLICATE_BITS = 10
# Media bombs: what a file may declare (picture size, frame rate, streams, bit rate; and the
# duration above) before anything of it is decoded. Sound is analysed over its first
# VIDEO_ANALYSIS_SECONDS. Every file is read in a child process with at most
# VIDEO_SANDBOX_MEMORY_MB of address space and a deadline (upload check, then review), so a
# file that gets past the checks fails its own review and nothing else.
VIDEO_MAX_LONG_SIDE = env_int("VIDEO_MAX_LONG_SIDE", 4096)
VIDEO_MAX_FPS = env_int("VIDEO_MAX_FPS", 240)
VIDEO_MAX_STREAMS = env_int("VIDEO_MAX_STREAMS", 8)
VIDEO_MAX_BITRATE = env_int("VIDEO_MAX_BITRATE", 200_000_000)
VIDEO_ANALYSIS_SECONDS = env_int("VIDEO_ANALYSIS_SECONDS", 60)
VIDEO_SANDBOX_MEMORY_MB = env_int("VIDEO_SANDBOX_MEMORY_MB", 1024)
VIDEO_UPLOAD_CHECK_SECONDS = env_int("VIDEO_UPLOAD_CHECK_SECONDS", 20)
VIDEO_REVIEW_SECONDS = env_int("VIDEO_REVIEW_SECONDS", 300)
# Playback (videos/media/transcode.py): every published video is encoded to a ladder of
# H.264/AAC renditions, "height:crf:max_kbps" each (never above the source's short side), with
# keyframes every VIDEO_KEYFRAME_SECONDS at the same instants in all, as HLS (fMP4 segments)
# plus a fast-start MP4 of the middle rendition; the sound at VIDEO_LOUDNESS_LUFS integrated
# loudness (EBU R128), its peak at most VIDEO_PEAK_DBFS. The encode runs in the sandbox with
# CPU time in proportion to the video's length: VIDEO_TRANSCODE_CPU_PER_SECOND per second of
# it (2.5x what the ladder costs for 1080p30 on veryfast: bench/transcode.py) and at least
# VIDEO_TRANSCODE_MIN_SECONDS, so a 10-minute video fits and a 5-second one cannot cost an hour.
VIDEO_LADDER = env_list("VIDEO_LADDER", ["360:26:1000", "540:24:2000", "720:23:3500", "1080:22:6000"])
VIDEO_KEYFRAME_SECONDS = float(os.environ.get("VIDEO_KEYFRAME_SECONDS", "2"))
VIDEO_LOUDNESS_LUFS = float(os.environ.get("VIDEO_LOUDNESS_LUFS", "-14"))
VIDEO_PEAK_DBFS = float(os.environ.get("VIDEO_PEAK_DBFS", "-1"))
VIDEO_X264_PRESET = os.environ.get("VIDEO_X264_PRESET", "veryfast")
# A deleted video's files (never served once its row is gone) are kept this long before they
# are deleted (videos/services/media_trash.py; `purge_discarded_media` is the cron backstop).
VIDEO_FILE_GRACE = timedelta(hours=env_int("VIDEO_FILE_GRACE_HOURS", 24))
# The animated preview feeds show in a grid (videos/media/preview.py): the first
# VIDEO_PREVIEW_SECONDS as a looping WebP, VIDEO_PREVIEW_SHORT_SIDE pixels on its short side.
VIDEO_PREVIEW_SECONDS = float(os.environ.get("VIDEO_PREVIEW_SECONDS", "3"))
VIDEO_PREVIEW_SHORT_SIDE = env_int("VIDEO_PREVIEW_SHORT_SIDE", 270)
VIDEO_TRANSCODE_CPU_PER_SECOND = float(os.environ.get("VIDEO_TRANSCODE_CPU_PER_SECOND", "6"))
VIDEO_TRANSCODE_MIN_SECONDS = env_int("VIDEO_TRANSCODE_MIN_SECONDS", 60)
# x264 keeps several frames per rendition in flight: the encode gets its own memory ceiling
VIDEO_TRANSCODE_MEMORY_MB = env_int("VIDEO_TRANSCODE_MEMORY_MB", 3072)
# A video still PROCESSING this long after upload with no review queued or running lost its
# review (an outage between the upload and the task, or in the middle of it): it is queued again.
_LONGEST_TRANSCODE = VIDEO_TRANSCODE_MIN_SECONDS + VIDEO_TRANSCODE_CPU_PER_SECOND * VIDEO_MAX_DURATION_MS / 1000
REVIEW_STALL_SECONDS = env_int("REVIEW_STALL_SECONDS", int(VIDEO_REVIEW_SECONDS + _LONGEST_TRANSCODE + 60))
CAPTION_MAX_LENGTH = 2200
COMMENT_MAX_LENGTH = 500
# A product rule, and what lets the API's cost model count a video's hashtags honestly: a
# caption of 2,200 characters could otherwise carry 733 of them. Mentions notify, so a caption
# or comment naming hundreds of accounts would be a notification spray.
CAPTION_MAX_HASHTAGS = 10
MENTIONS_MAX = 10
# A view counts after this much watching (or half of a shorter video), once per viewer,
# video and hour. Watch events reach the counters through a roll-up that waits this long for
# in-flight transactions (see videos/services/watch_rollup.py).
VIEW_AFTER_MS = 3000
WATCH_ROLLUP_SETTLE_SECONDS = 2.0
# IMPRESSIONS_PER_VIEWER_HOUR: impressions (what traffic pools count: a video a viewer's player
# reported, however briefly) counted per viewer and hour, at most; each video once an hour.
IMPRESSIONS_PER_VIEWER_HOUR = env_int("IMPRESSIONS_PER_VIEWER_HOUR", 600)
# SERVED_VIDEOS_SECONDS: how long the feed remembers what it served to whom; a watch report
# counts for a video's traffic pool only if the feed served it to that viewer (videos/services/served.py).
SERVED_VIDEOS_SECONDS = env_int("SERVED_VIDEOS_SECONDS", 6 * 3600)
# FEED_MODEL_DIR: where `manage.py train_feed_model` writes versioned interest models that
# server processes load.
FEED_MODEL_DIR = Path(os.environ.get("FEED_MODEL_DIR", BASE_DIR / "var" / "models"))
# FEED_MODEL_STORAGE: a STORAGES alias ("default": the media storage, S3 in production) where each
# trained model is published, so every process on every host serves the newest one; empty keeps
# models on the local disk of the host that trained them.
FEED_MODEL_STORAGE = os.environ.get("FEED_MODEL_STORAGE", "")
# How long each process serves For You's shared candidate lists (trending, popular, fresh, on
# trial) before refreshing them in the background, from the replica when there is a healthy one.
FEED_SHARED_LISTS_SECONDS = env_int("FEED_SHARED_LISTS_SECONDS", 30)
# Reports a single account may file per hour.
REPORTS_PER_HOUR = env_int("REPORTS_PER_HOUR", 20)


def env_rates(defaults: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """RATE_LIMIT_<ACTION>_<SCOPE> overrides one rate, e.g. RATE_LIMIT_COMMENT_ACCOUNT=30/m;
    an empty value turns that rate off."""
    return {
        action: {scope: os.environ.get(f"RATE_LIMIT_{action}_{scope}".upper(), rate) for scope, rate in scopes.items()}
        for action, scopes in defaults.items()
    }


# Rate limits, one mechanism for all (platform.rate_limits): for each action, at most
# "count/period" (period s, m, h or d; "5/10m") per signed-in account, per client address, and
# per account or address on one target ("*_target": one video), and per target whoever asks
# ("target": one mailbox). Over a limit, the request gets
# RATE_LIMITED with the seconds to wait. Watch events count batches, not events.
RATE_LIMITS = env_rates(
    {
        "register": {"address": "10/h"},
        "login": {"address": LOGIN_ADDRESS_FAILURES},
        "upload": {"account": "20/h", "address": "60/h"},
        "comment": {"account": "20/m", "address": "120/m"},
        "share": {"account": "120/h", "address": "240/h", "account_target": "3/h", "address_target": "3/h"},
        "report": {"account": f"{REPORTS_PER_HOUR}/h", "address": f"{REPORTS_PER_HOUR * 3}/h"},
        "follow": {"account": "200/h", "address": "1000/h"},
        "heart": {"account": "600/h", "address": "3000/h"},
        "save": {"account": "600/h", "address": "3000/h"},
        "edit": {"account": "60/h", "address": "300/h"},
        "watch": {"account": "60/m", "address": "600/m"},
        "session": {"address": "30/h"},  # new anonymous sessions: each is a new viewer to the pools
        "profile": {"account": "60/h", "address": "300/h"},
        # account emails: each is a message to a mailbox, so a target (the address) gets few
        # and a mailbox gets few whoever asks: 17 addresses once sent 17 resets to one inbox
        "email": {"account": "10/h", "address": "30/h", "address_target": "5/h", "target": "5/h"},
        "password": {"account": "10/h", "address": "30/h"},  # checks of the current password
        "export": {"account": "2/d", "address": "10/d"},  # each builds a ZIP of an account's files
    }
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# STATIC_ROOT: where `collectstatic` gathers admin assets for the front web server or CDN.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
# MEDIA_URL_TTL / MEDIA_URL_BUCKET: uploads are fetched through signed URLs (platform/media.py)
# valid at least this many seconds, their expiry rounded up to the bucket so they stay stable.
MEDIA_URL_TTL = env_int("MEDIA_URL_TTL", 3600)
MEDIA_URL_BUCKET = env_int("MEDIA_URL_BUCKET", 600)
# MEDIA_ACCEL_REDIRECT: e.g. /protected-media/ to have nginx send local files (an `internal`
# location aliased to MEDIA_ROOT) once Django has checked access; empty: Django streams them.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
# MEDIA_ROOT: uploaded files on the default (local filesystem) storage.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# MEDIA_STORAGE_BACKEND / MEDIA_STORAGE_OPTIONS (JSON): where uploads live. The local
# filesystem by default; object storage by configuration only, e.g.
# MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage with django-storages installed and
# MEDIA_STORAGE_OPTIONS='{"bucket_name": "flywheel-media"}'.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads beyond this stay on disk instead of in memory while a request is parsed.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# REQUEST_MAX_BYTES: the largest request body other than an upload, refused with 413 from its
# Content-Length before any of it is read (platform/http_limits.py). Uploads may be up to
# VIDEO_MAX_BYTES.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES

# GraphQL limits: every request is checked against these before it runs.
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 12)
GRAPHQL_MAX_ALIASES = env_int("GRAPHQL_MAX_ALIASES", 30)
GRAPHQL_MAX_TOKENS = env_int("GRAPHQL_MAX_TOKENS", 2000)
GRAPHQL_MAX_PAGE_SIZE = 100
# GRAPHQL_MAX_COST: objects an operation may make the server load, counted before it runs; a
# field's `first` multiplies what is nested in it (platform/graphql/cost.py).
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 1500)
# Longest values the server reads, where an argument declares no @maxLength of its own:
# IDs, connection cursors, any other text; and the most items in a list argument.
GRAPHQL_MAX_ID_LENGTH = 128
GRAPHQL_MAX_CURSOR_LENGTH = 512
GRAPHQL_MAX_STRING_LENGTH = env_int("GRAPHQL_MAX_STRING_LENGTH", 1000)
GRAPHQL_MAX_LIST_LENGTH = 100
# JSON bodies (and variables) nested deeper than this are refused with HTTP 400.
GRAPHQL_MAX_JSON_DEPTH = 32
# PERSISTED_QUERIES_MAX(_BYTES): documents each server process remembers for automatic
# persisted queries (platform/graphql/persisted_queries.py), least recently used dropped first.
PERSISTED_QUERIES_MAX = env_int("PERSISTED_QUERIES_MAX", 2000)
PERSISTED_QUERIES_MAX_BYTES = env_int("PERSISTED_QUERIES_MAX_BYTES", 8 * 1024 * 1024)
# GRAPHQL_INTROSPECTION: answer __schema/__type queries. On in development (GraphiQL needs it);
# off in production unless enabled, so the schema is not a map handed to every scraper.
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", DEBUG)
# Websocket limits: live subscriptions per connection, largest client message, seconds to
# send connection_init, and seconds a client may stay silent (clients ping to stay connected).
GRAPHQL_WS_MAX_SUBSCRIPTIONS = env_int("GRAPHQL_WS_MAX_SUBSCRIPTIONS", 20)
# GRAPHQL_MAX_SUBSCRIPTION_COST: a subscription's selection runs on every event for as long as it
# is open, so it gets a far smaller budget than a query (a comment with its author and video is ~5).
GRAPHQL_MAX_SUBSCRIPTION_COST = env_int("GRAPHQL_MAX_SUBSCRIPTION_COST", 25)
# Open websockets and subscriptions per server process (platform/graphql/live_limits.py).
LIVE_LIMITS = {
    "sockets_per_address": env_int("LIVE_SOCKETS_PER_ADDRESS", 50),
    "anonymous_sockets_per_address": env_int("LIVE_ANONYMOUS_SOCKETS_PER_ADDRESS", 4),
    "sockets_per_account": env_int("LIVE_SOCKETS_PER_ACCOUNT", 10),
    "anonymous_subscriptions_per_address": env_int("LIVE_ANONYMOUS_SUBSCRIPTIONS_PER_ADDRESS", 10),
    "subscriptions_per_account": env_int("LIVE_SUBSCRIPTIONS_PER_ACCOUNT", 40),
}
GRAPHQL_WS_MAX_MESSAGE_BYTES = env_int("GRAPHQL_WS_MAX_MESSAGE_BYTES", 64 * 1024)
GRAPHQL_WS_INIT_TIMEOUT = env_int("GRAPHQL_WS_INIT_TIMEOUT", 10)
GRAPHQL_WS_IDLE_SECONDS = env_int("GRAPHQL_WS_IDLE_SECONDS", 300)
# Each server process checks its channel layer this often (seconds) by sending itself a probe
# through a group; one not back within the timeout ends its live subscriptions with
# LIVE_INTERRUPTED (Redis restarted or stopped answering: events may have been lost).
LIVE_HUB_PROBE_SECONDS = env_int("LIVE_HUB_PROBE_SECONDS", 2)
# How often a signed-in socket checks that its account is still active (deactivation by SQL or
# QuerySet.update sends no event).
LIVE_ACCOUNT_RECHECK_SECONDS = env_int("LIVE_ACCOUNT_RECHECK_SECONDS", 60)
LIVE_HUB_PROBE_TIMEOUT = env_int("LIVE_HUB_PROBE_TIMEOUT", 3)

STRAWBERRY_DJANGO = {
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": True,
    "MAP_AUTO_ID_AS_GLOBAL_ID": True,
}

# CORS_ALLOWED_ORIGINS: comma-separated web front-end origins allowed to call the API from a
# browser. Empty means same-origin only, which is what makes JSON POSTs safe from CSRF.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_CREDENTIALS = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", CORS_ALLOWED_ORIGINS)

# Security: secure by default; each switch can be turned off behind a TLS-terminating proxy
# that already does the job.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# SECURE_PROXY_SSL_HEADER: set to 1 when a trusted proxy sets X-Forwarded-Proto.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default config gives "django" a console handler of its own; one is enough.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
