"""Settings, all read from the environment.

DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CAD_DATA_DIR.
Production is DEBUG unset/0: secure cookies, HSTS, SSL redirect and a strict CSP.
"""

import ipaddress
import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from cad.redis_config import RedisConfig, redis_key_prefix

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
TESTING = env_bool("CAD_TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # Development and tests only: a fixed key is harmless when no real data exists.
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
if DEBUG or TESTING:
    ALLOWED_HOSTS += ["localhost", "127.0.0.1", "[::1]", "testserver"]
# API tokens: one per device and login, stored hashed, expiring (django-rest-knox).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("CAD_TOKEN_HOURS", "12"))),
    "AUTH_HEADER_PREFIX": "Token",
}
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

CAD_DATA_DIR = Path(os.environ.get("CAD_DATA_DIR", BASE_DIR / ".cad-data"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "axes",
    "csp",
    "cad",
    "intelligence",
    "schemes",
    "dispatch",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics, answered before host checks, redirects and sessions.
    "cad.health.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cad.kernel.bad_input.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id and the actor on every log line of the request.
    "cad.kernel.log_context.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cad.urls"
WSGI_APPLICATION = "cad.wsgi.application"
ASGI_APPLICATION = "cad.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cad.kernel.navigation.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cad"),
        # Django's persistent connections: each request thread of the web process
        # (cad.asgi), the screens' database thread and each Celery process keeps one,
        # checked before reuse after an error or a database restart.
        conn_max_age=int(os.environ.get("CAD_DB_CONN_MAX_AGE", "300")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis, or a Sentinel group (CAD_REDIS_SENTINELS): see cad/redis_config.py and the
# README's "Operations". Each library below follows the elected master by itself.
REDIS = RedisConfig.from_env()
REDIS_URL = REDIS.url
CAD_REDIS_CLIENT = REDIS.client_options()
# Keys kept in Redis (the beat lock and schedule, the sweeps' records) are named per
# deployment, by its database, so that systems sharing one Redis never share a beat lock.
CAD_REDIS_KEY_PREFIX = os.environ.get("CAD_REDIS_KEY_PREFIX") or redis_key_prefix(
    DATABASES["default"]["NAME"]
)

CHANNEL_LAYERS = {
    "default": {
        # Pokes are hints (screens read the event log themselves and catch up on every
        # heartbeat), so Redis publish/subscribe is enough: a group send is one PUBLISH,
        # and the subscriptions are renewed when redis-py reconnects after a restart.
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS.channel_layer_host()]},
    }
}

# The project keeps nothing in Django's cache; with Sentinel it stays in the process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if REDIS.uses_sentinel
        else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    )
}

CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = REDIS.celery_broker()
# Workers log through Django's LOGGING (JSON), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# No single beat: every beat process runs celery-redbeat; one holds the Redis lock and
# sends, the others wait for it. The holder renews the lock every tick (at most a second
# apart); killed, its lock lapses after CAD_BEAT_LOCK_SECONDS and a standby takes over.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 1
CELERY_REDBEAT_LOCK_TIMEOUT = int(os.environ.get("CAD_BEAT_LOCK_SECONDS", "5"))
CELERY_REDBEAT_REDIS_URL, CELERY_REDBEAT_REDIS_OPTIONS = REDIS.redbeat()
CELERY_REDBEAT_KEY_PREFIX = f"{CAD_REDIS_KEY_PREFIX}:beat:"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Sweeps are short and idempotent; each app adds its own entries here.
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE.update(
    {
        # Response clocks, unacknowledged assignments and divert reviews: due rows only.
        "dispatch-clock-sweep": {
            "task": "dispatch.tasks.clock_sweep",
            "schedule": 1.0,
            "options": {"expires": 5},
        },
        "dispatch-assignment-ack-sweep": {
            "task": "dispatch.tasks.assignment_ack_sweep",
            "schedule": 1.0,
            "options": {"expires": 5},
        },
        "dispatch-victim-callback-sweep": {
            "task": "dispatch.tasks.victim_callback_sweep",
            "schedule": 5.0,
            "options": {"expires": 5},
        },
        "dispatch-divert-sweep": {
            "task": "dispatch.tasks.divert_sweep",
            "schedule": 1.0,
            "options": {"expires": 5},
        },
    }
)
# Units' kept positions go to the maps in one event a second.
CELERY_BEAT_SCHEDULE["dispatch-publish-positions"] = {
    "task": "dispatch.tasks.publish_positions",
    "schedule": 1.0,
    "options": {"expires": 2},
}
# Predicted breaches: units move and clocks run, so look again every few seconds.
CELERY_BEAT_SCHEDULE["dispatch-predicted-breach-sweep"] = {
    "task": "dispatch.tasks.predicted_breach_sweep",
    "schedule": 5.0,
    "options": {"expires": 5},
}
# Special schemes: review stages are days apart, so a sweep a minute is plenty.
CELERY_BEAT_SCHEDULE["schemes-review-sweep"] = {
    "task": "schemes.tasks.scheme_reviews_sweep",
    "schedule": 60.0,
    "options": {"expires": 50},
}
# Intelligence check requests: the answer window is minutes, so sweep every 15 seconds.
CELERY_BEAT_SCHEDULE["intelligence-request-sweep"] = {
    "task": "intelligence.escalate_overdue_requests",
    "schedule": 15.0,
    "options": {"expires": 14},
}
# Follow-ups not acknowledged by their due time go to the supervisor (once each).
CELERY_BEAT_SCHEDULE["cad-follow-ups-sweep"] = {
    "task": "cad.follow_ups_sweep",
    "schedule": 30.0,
    "options": {"expires": 25},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Minutes to call a domestic abuse victim back before the task goes to the supervisor.
CAD_VICTIM_CALLBACK_MINUTES = int(os.environ.get("CAD_VICTIM_CALLBACK_MINUTES", "5"))

LOGIN_URL = "login"
# Signing in lands on the main screen of the user's role (cad.kernel.navigation.HOME_SCREENS).
LOGIN_REDIRECT_URL = "cad:start"
LOGOUT_REDIRECT_URL = "login"

# Lockout: five failures for one username from one address locks it for ten minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cad.lockout.lockout_response"
AXES_VERBOSE = False

# Idle timeout: the session expires 30 minutes after the last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Leaflet's own files, from the django-leaflet package, for the live map: no CDN. Its
    # static files only: the app itself needs GeoDjango, which this project does not use.
    ("leaflet", Path(find_spec("leaflet").submodule_search_locations[0]) / "static" / "leaflet"),
]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Development and tests serve straight from static/; deployments run collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cad.kernel.roles.HasRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["cad.kernel.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cad.kernel.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CAD integration API",
    "DESCRIPTION": "Computer-aided dispatch for police control rooms: the integration API (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the project's own static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cad.kernel.schema.declare_error_responses",
    ],
    # One name for each choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "GradeEnum": "cad.models.Grade",
        "IncidentStatusEnum": "cad.models.Incident.Status",
        "SchemeStatusEnum": "schemes.models.SchemeStatus",
        "UnitStatusEnum": "dispatch.models.Unit.Status",
        "DivertStatusEnum": "dispatch.models.Divert.Status",
        # The overdue board's states (its keys, most urgent first).
        "OverdueStateEnum": "dispatch.clocks.STATE_RANK",
    },
}

# Content-Security-Policy: no inline scripts or styles anywhere; data goes in json_script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF, "ws:", "wss:"] if DEBUG else [SELF, "wss:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cad@localhost")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not (DEBUG or TESTING):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs: one JSON object a line on stderr (CAD_LOG_FORMAT=plain for reading by eye), each
# with the request id and the actor (cad.kernel.log_context). Nothing logs a request body.
CAD_LOG_FORMAT = os.environ.get("CAD_LOG_FORMAT", "json")
CAD_LOG_LEVEL = os.environ.get("CAD_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "cad.kernel.log_context.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(actor)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(actor)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if CAD_LOG_FORMAT == "plain" else "json",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "cad": {"level": CAD_LOG_LEVEL},
        "dispatch": {"level": CAD_LOG_LEVEL},
        "schemes": {"level": CAD_LOG_LEVEL},
        "intelligence": {"level": CAD_LOG_LEVEL},
        "reports": {"level": CAD_LOG_LEVEL},
        # Celery logs each task run and each beat send at INFO: five lines a second.
        "celery": {"level": os.environ.get("CAD_CELERY_LOG_LEVEL", "WARNING").upper()},
        "cad.security": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The web server's own lines (start, stop, errors) as JSON too; requests are logged
        # by cad.request, so uvicorn's access log stays off.
        "uvicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Operations (README "Operations"): readiness fails when the clock sweep last ended longer
# ago than this; /metrics is open without a token to these networks (comma-separated CIDRs,
# e.g. the cluster's pod network where Prometheus runs), else needs the `metrics` role.
CAD_READY_SWEEP_MAX_AGE_S = float(os.environ.get("CAD_READY_SWEEP_MAX_AGE_S", "10"))
CAD_METRICS_NETWORKS = [
    ipaddress.ip_network(cidr.strip(), strict=False)
    for cidr in os.environ.get("CAD_METRICS_NETWORKS", "").split(",")
    if cidr.strip()
]
CAD_OPS_KEY_PREFIX = f"{CAD_REDIS_KEY_PREFIX}:ops"

# Domain defaults (configurable per force through the environment).
# MARAC or domestic abuse intelligence at a caller's address or phone recorded within this
# many days sets an IMMEDIATE floor for any call from there (cad.calls.grading, "intel.floor").
CAD_INTELLIGENCE_FLOOR_DAYS = int(os.environ.get("CAD_INTELLIGENCE_FLOOR_DAYS", "365"))
CAD_ASSIGNMENT_ACK_SECONDS = int(os.environ.get("CAD_ASSIGNMENT_ACK_SECONDS", "60"))
# Divert procedure: controller review and inspector replacement, then the supervisor.
CAD_DIVERT_REVIEW_SECONDS = int(os.environ.get("CAD_DIVERT_REVIEW_SECONDS", "120"))
CAD_DIVERT_REPLACEMENT_SECONDS = int(os.environ.get("CAD_DIVERT_REPLACEMENT_SECONDS", "300"))
# An incident with no unit alerts once this long has passed since it became unresourced.
CAD_UNRESOURCED_ALERT_SECONDS = {
    "IMMEDIATE": int(os.environ.get("CAD_UNRESOURCED_IMMEDIATE_SECONDS", "60")),
    "PRIORITY": int(os.environ.get("CAD_UNRESOURCED_PRIORITY_SECONDS", "300")),
    "SCHEDULED": int(os.environ.get("CAD_UNRESOURCED_SCHEDULED_SECONDS", "3600")),
}
CAD_SCREEN_REPLAY_BATCH = 500
# Special schemes: victim-not-informed reminder, review lead, second stage, overdue repeat.
CAD_SCHEME_INFORM_DAYS = int(os.environ.get("CAD_SCHEME_INFORM_DAYS", "7"))
CAD_SCHEME_REVIEW_LEAD_DAYS = int(os.environ.get("CAD_SCHEME_REVIEW_LEAD_DAYS", "14"))
CAD_SCHEME_SECOND_STAGE_DAYS = int(os.environ.get("CAD_SCHEME_SECOND_STAGE_DAYS", "14"))
CAD_SCHEME_OVERDUE_REPEAT_DAYS = int(os.environ.get("CAD_SCHEME_OVERDUE_REPEAT_DAYS", "7"))
CAD_SCHEME_MAX_MONTHS = int(os.environ.get("CAD_SCHEME_MAX_MONTHS", "6"))
# A check request not answered in this time escalates to the supervisor board.
CAD_INTEL_REQUEST_ANSWER_SECONDS = int(os.environ.get("CAD_INTEL_REQUEST_ANSWER_SECONDS", "600"))
# Geography. A unit's last known position is stale after this many seconds.
CAD_POSITION_STALE_SECONDS = int(os.environ.get("CAD_POSITION_STALE_SECONDS", "120"))
# The position history (for QART) keeps one report a unit this often, or sooner when the
# unit has moved this far; the maps get the kept reports in one event a second.
CAD_POSITION_SAMPLE_SECONDS = int(os.environ.get("CAD_POSITION_SAMPLE_SECONDS", "30"))
CAD_POSITION_SAMPLE_METRES = float(os.environ.get("CAD_POSITION_SAMPLE_METRES", "50"))
# A unit terminal that shares its position sends it this often.
CAD_TERMINAL_POSITION_SECONDS = int(os.environ.get("CAD_TERMINAL_POSITION_SECONDS", "5"))
# Average speed over the straight-line distance, by the incident's area: ETAs are estimates.
CAD_ETA_SPEED_KMH = {
    "urban": float(os.environ.get("CAD_ETA_URBAN_KMH", "30")),
    "rural": float(os.environ.get("CAD_ETA_RURAL_KMH", "60")),
}
# The map's basemap: none by default (points, labels and a scale work offline). A force
# sets its own tile server (e.g. https://tiles.example/{z}/{x}/{y}.png) and its licence
# words; the tile host is then allowed in the CSP's img-src.
CAD_MAP_TILE_URL = os.environ.get("CAD_MAP_TILE_URL", "")
CAD_MAP_ATTRIBUTION = os.environ.get("CAD_MAP_ATTRIBUTION", "")
# Where the map opens before anything is on it (the demo area).
CAD_MAP_CENTRE = (
    float(os.environ.get("CAD_MAP_CENTRE_LAT", "51.5010")),
    float(os.environ.get("CAD_MAP_CENTRE_LON", "-0.1416")),
)
if CAD_MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(CAD_MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
