"""Kept for the migrations written before core/db/ existed (they import this path); new code imports
core.db.migration_ops."""

from .db.migration_ops import PostgresOnlySQL, RefreshKeys, RefuseDuplicates, TrigramExtension, TrigramIndex

__all__ = ["PostgresOnlySQL", "RefreshKeys", "RefuseDuplicates", "TrigramExtension", "TrigramIndex"]
