"""The project's own exceptions (like ``nova.exception``): not oslo's classes."""


class ProjectError(Exception):
    """Base of the project's errors."""


class ObjectActionError(ProjectError):
    """The project's own "cannot lazy-load" error."""


class NotFound(ProjectError):
    """A lazy load of a row the database does not hold."""
