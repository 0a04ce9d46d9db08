"""The few named errors, and the exit status each one means for the CLI."""


class NewswatchError(Exception):
    """A failure with a message meant for the user. Exit status 1."""

    exit_status = 1


class UsageError(NewswatchError):
    """The user asked for something malformed or unknown (bad query, unknown source, bad URL). Exit 2."""

    exit_status = 2


class DatabaseError(NewswatchError):
    """The database cannot be reached or is not in the state we need."""


class Conflict(UsageError):
    """What was asked for clashes with what exists (a name already taken). Exit 2; HTTP 409."""
