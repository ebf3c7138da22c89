"""genskills: the knowledge graph of the skills, roles and courses of genomic medicine."""

from .errors import (ConfigError, GenskillsError, InconsistencyError, InputError, NotFoundError,
                     QueryError, ReasoningError, StoreError, ValidationError)

__version__ = "0.1.0"

__all__ = [
    "ConfigError", "GenskillsError", "InconsistencyError", "InputError", "NotFoundError", "QueryError",
    "ReasoningError", "StoreError", "ValidationError", "__version__",
]
