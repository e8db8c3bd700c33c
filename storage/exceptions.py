"""Exceptions raised by the storage package."""


class StorageError(Exception):
    """Base class for exceptions from within the storage package."""


class DatabaseURLError(StorageError):
    """Raised when a database URL cannot be used, from ``storage.db.get_engine``."""


class MigrationError(StorageError):
    """Raised when the schema cannot be brought to the current revision, from ``storage.db.upgrade``."""
