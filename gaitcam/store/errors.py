"""Errors of the history database, each a `GaitcamError` with a friendly message and a hint."""

from __future__ import annotations

from gaitcam.errors import GaitcamError


class StoreError(GaitcamError):
    """Base class of history-database problems the user can act on."""

    hint = "See docs/database.md for where the history lives and how to repair or reset it."


class InvalidInputError(StoreError):
    """A value given to the store is unusable (empty name, impossible height, bad report...)."""

    hint = "Check the value and try again."


class NotFoundError(StoreError):
    """No runner, session or note with that id (never existed, or was deleted)."""

    hint = "Reload the page: the record may have been deleted in another window."


class ClipNotFoundError(StoreError):
    """The clip to save does not exist or is not a file."""

    hint = "Save the session right after the analysis, while the uploaded clip still exists."


class DatabaseError(StoreError):
    """The database cannot be opened or written (bad URL, missing driver, newer schema, disk)."""


class DatabaseBusyError(DatabaseError):
    """Another program held the database for longer than the wait limit."""

    hint = "Another gaitcam window may be saving a large clip; wait a moment and try again."
