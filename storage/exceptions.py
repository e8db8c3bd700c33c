"""Exceptions raised by the storage package."""


class StorageError(Exception):
    """Base class for exceptions from within the storage package."""


class DatabaseURLError(StorageError):
    """Raised when a database URL cannot be used (malformed, unsupported, driver missing), from
    ``storage.db.get_engine``."""


class DatabaseMissingError(StorageError):
    """Raised when a read-only caller names an SQLite file that does not exist, from ``storage.db.get_engine``."""


class DatabaseUnavailableError(StorageError):
    """Raised when the database cannot be opened or reached (not a database, unreachable server, no permission),
    from ``storage.db.check_connection`` and ``storage.db.ensure_schema``; or, from ``storage.db.get_engine``, when
    an SQLite database a command would write is read-only."""


class MigrationError(StorageError):
    """Raised when the schema cannot be brought to the current revision, from ``storage.db.upgrade``."""
