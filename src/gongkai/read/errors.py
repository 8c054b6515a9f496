"""Errors a reader raises when a file cannot be read at all."""


class ReadError(Exception):
    """The file could not be read. `code` is stable; the message is Chinese, for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)  # both in args, so the error pickles across processes
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
