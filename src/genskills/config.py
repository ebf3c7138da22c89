"""Settings: defaults < configuration file < environment variables < explicit arguments.

Every setting is declared once in ``SETTINGS`` (name, environment variable, type,
default, help), so that the CLI help, the README and the checks read the same list.
A configuration file is TOML with the settings' names as keys (``--config FILE`` or
``GENSKILLS_CONFIG``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError

#: The project folder that holds ontology/, shapes/ and data/ when genskills runs
#: from a checkout (editable install): two levels above this package.
_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def _default_root() -> Path:
    if (_CHECKOUT_ROOT / "ontology").is_dir():
        return _CHECKOUT_ROOT
    return Path.cwd()


def _default_store_path() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "genskills" / "store"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    kind: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("root", "GENSKILLS_ROOT", Path, "project folder holding ontology/, shapes/ and data/"),
    Setting("store_path", "GENSKILLS_STORE", Path,
            "folder of the embedded on-disk store (an http(s) URL here means a remote endpoint)"),
    Setting("endpoint", "GENSKILLS_ENDPOINT", str,
            "query URL of a remote SPARQL 1.1 endpoint to use instead of the embedded store"),
    Setting("update_endpoint", "GENSKILLS_UPDATE_ENDPOINT", str,
            "update URL of that endpoint (default: the query URL)"),
    Setting("host", "GENSKILLS_HOST", str, "address the server listens on"),
    Setting("port", "GENSKILLS_PORT", int, "port the server listens on"),
    Setting("threads", "GENSKILLS_THREADS", int, "HTTP threads of the server"),
    Setting("query_workers", "GENSKILLS_QUERY_WORKERS", int,
            "processes that run queries on the embedded store (queries run in parallel)"),
    Setting("query_timeout", "GENSKILLS_QUERY_TIMEOUT", float,
            "seconds a query may run before it is stopped (HTTP 503)"),
    Setting("query_memory_mb", "GENSKILLS_QUERY_MEMORY_MB", int,
            "megabytes of memory a query worker may use; a query that needs more is stopped (HTTP 503)"),
    Setting("max_rows", "GENSKILLS_MAX_ROWS", int, "rows or triples a query result may hold (else HTTP 400)"),
    Setting("answer_cache_mb", "GENSKILLS_ANSWER_CACHE_MB", int,
            "megabytes of canned-query answers kept until the next write (0: none kept)"),
    Setting("cors_origins", "GENSKILLS_CORS_ORIGINS", str,
            "origins allowed to call the API from a browser: '*', a comma-separated list, or '' for none"),
    Setting("update_token", "GENSKILLS_UPDATE_TOKEN", str,
            "bearer token that enables SPARQL Update at /sparql/update (unset: updates are refused)"),
    Setting("service_allow", "GENSKILLS_SERVICE_ALLOW", str,
            "comma-separated endpoint IRIs that SERVICE and LOAD may reach (default: none)"),
    Setting("trusted_proxy", "GENSKILLS_TRUSTED_PROXY", str,
            "address of the reverse proxy whose X-Forwarded-For/-Proto/-Host/-Port headers are believed "
            "(unset: those headers are ignored)"),
)


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=_default_root)
    store_path: Path = field(default_factory=_default_store_path)
    endpoint: str | None = None
    update_endpoint: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    query_workers: int = 2
    query_timeout: float = 5.0
    query_memory_mb: int = 2048
    max_rows: int = 10_000
    answer_cache_mb: int = 64
    cors_origins: str = "*"
    update_token: str | None = None
    service_allow: str = ""
    trusted_proxy: str | None = None

    @property
    def allowed_services(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.service_allow.split(",") if s.strip())

    def with_overrides(self, **values) -> "Settings":
        """A copy with every non-None value of ``values`` applied and checked."""
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        clean = {k: _typed(k, v) for k, v in values.items() if v is not None}
        store = clean.get("store_path")
        if store is not None and str(values.get("store_path", "")).startswith(("http://", "https://")):
            # `--store URL` names a remote endpoint (same URL for queries and updates).
            clean.pop("store_path")
            clean.setdefault("endpoint", str(values["store_path"]))
        return _checked(replace(self, **clean))


def _setting(name: str) -> Setting:
    return next(s for s in SETTINGS if s.name == name)


def _typed(name: str, value):
    kind = _setting(name).kind
    if isinstance(value, kind):
        return value
    try:
        if kind is Path:
            return Path(str(value)).expanduser()
        return kind(value)
    except (TypeError, ValueError):
        setting = _setting(name)
        raise ConfigError(f"setting {name} ({setting.env}) must be {_KIND_NAMES.get(kind, kind.__name__)}, "
                          f"got {value!r}") from None


_KIND_NAMES = {int: "a whole number", float: "a number", str: "a text", Path: "a path"}


def _checked(settings: Settings) -> Settings:
    for name in ("endpoint", "update_endpoint"):
        url = getattr(settings, name)
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError(f"setting {name} ({_setting(name).env}) must be an http(s) URL, got {url!r}")
    if not settings.root.is_dir():
        raise ConfigError(f"setting root (GENSKILLS_ROOT): {settings.root} is not a folder")
    for name, low in (("port", 0), ("threads", 1), ("query_workers", 1), ("max_rows", 1), ("answer_cache_mb", 0),
                      ("query_memory_mb", 64)):
        if getattr(settings, name) < low:
            raise ConfigError(f"setting {name} ({_setting(name).env}) must be at least {low}")
    if not 0 < settings.query_timeout <= 3600:
        raise ConfigError("setting query_timeout (GENSKILLS_QUERY_TIMEOUT) must be between 0 and 3600 seconds")
    if settings.update_token is not None and len(settings.update_token) < 16:
        raise ConfigError("setting update_token (GENSKILLS_UPDATE_TOKEN) must be at least 16 characters")
    return settings


def _from_file(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"configuration file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {path}: {exc}") from exc
    unknown = sorted(set(values) - {s.name for s in SETTINGS})
    if unknown:
        raise ConfigError(f"configuration file {path}: unknown setting(s) {', '.join(unknown)}; "
                          f"known: {', '.join(s.name for s in SETTINGS)}")
    return values


def load_settings(config: str | None = None, **overrides) -> Settings:
    """Settings from a TOML file, the environment, then ``overrides`` (None values are ignored)."""
    config = config or os.environ.get("GENSKILLS_CONFIG")
    from_file = _from_file(config) if config else {}
    from_env = {s.name: os.environ[s.env] for s in SETTINGS if os.environ.get(s.env) is not None
                and (os.environ[s.env] != "" or s.name == "cors_origins")}
    given = {k: v for k, v in overrides.items() if v is not None}
    if from_file:
        # Checked alone first, so that a bad value from the file says which file it is in.
        try:
            Settings().with_overrides(**{k: v for k, v in from_file.items() if k not in {**from_env, **given}})
        except ConfigError as exc:
            raise ConfigError(f"configuration file {config}: {exc}") from None
    return Settings().with_overrides(**{**from_file, **from_env, **given})
