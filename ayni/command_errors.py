"""The one base class for errors a user can act on: the CLI prints their message alone, no traceback."""


class UserFacingError(RuntimeError):
    """The message names what is wrong and what to do."""
