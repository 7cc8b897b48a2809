"""PSP Desktop: community venture-philanthropy competitions and public-service purchasing, offline."""

__version__ = "0.9.0"
