"""Settings: defaults < environment variables < explicit arguments.

Every setting is declared once in ``SETTINGS`` so that the CLI help and the README
can be checked against it.
"""

from __future__ import annotations

import os
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
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("root", "GENSKILLS_ROOT", "project folder holding ontology/, shapes/ and data/"),
    Setting("store_path", "GENSKILLS_STORE", "folder of the embedded on-disk store"),
    Setting("endpoint", "GENSKILLS_ENDPOINT",
            "query URL of a remote SPARQL 1.1 endpoint to use instead of the embedded store"),
    Setting("update_endpoint", "GENSKILLS_UPDATE_ENDPOINT",
            "update URL of that endpoint (default: the query URL)"),
)


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=_default_root)
    store_path: Path = field(default_factory=_default_store_path)
    endpoint: str | None = None
    update_endpoint: str | None = None

    def with_overrides(self, **values) -> "Settings":
        """A copy with every non-None value of ``values`` applied."""
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        clean = {k: v for k, v in values.items() if v is not None}
        for key in ("root", "store_path"):
            if key in clean:
                clean[key] = Path(clean[key]).expanduser()
        return _checked(replace(self, **clean))


def _checked(settings: Settings) -> Settings:
    for name in ("endpoint", "update_endpoint"):
        url = getattr(settings, name)
        if url is not None and not url.startswith(("http://", "https://")):
            env = next(s.env for s in SETTINGS if s.name == name)
            raise ConfigError(f"setting {name} ({env}) must be an http(s) URL, got {url!r}")
    if not settings.root.is_dir():
        raise ConfigError(f"setting root (GENSKILLS_ROOT): {settings.root} is not a folder")
    return settings


def load_settings(**overrides) -> Settings:
    """Settings from the environment, then ``overrides`` (None values are ignored)."""
    from_env = {s.name: os.environ[s.env] for s in SETTINGS if os.environ.get(s.env)}
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings().with_overrides(**{**from_env, **given})
