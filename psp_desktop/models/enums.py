"""The stored enumerations live in psp_desktop.enums (importable without SQLAlchemy, for a fast GUI start)."""

from ..enums import *  # noqa: F403
