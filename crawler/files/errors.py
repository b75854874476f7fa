"""The one error a file can raise: its message is the failed fetch's reason, in one line."""


class FileError(Exception):
    """A file that gives no text: corrupt, encrypted, a zip bomb, too slow, or an unknown kind."""
