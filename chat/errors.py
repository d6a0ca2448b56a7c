"""The errors the chat domain raises; the API and the socket map each to the contract's answer."""

from __future__ import annotations


class ChatError(Exception):
    """A failure a client caused or must hear about, with a safe message (never exception text)."""

    status = 400
    code = "bad_request"
    retry_after_secs: int | None = None

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


class EmptyMessage(ChatError):
    code = "empty_message"


class InvalidMessage(ChatError):
    code = "invalid_message"


class MessageTooLong(ChatError):
    status = 413
    code = "message_too_long"


class ThreadNotFound(ChatError):
    """No such thread for this caller. Someone else's thread is "not found" too over HTTP."""

    status = 404
    code = "thread_not_found"


class ThreadForbidden(ThreadNotFound):
    """The thread exists but belongs to someone else (the socket says 4403; HTTP says 404)."""


class Overloaded(ChatError):
    """More turns wait than the workers can answer within their deadline (CHAT_MAX_BACKLOG)."""

    status = 503
    code = "overloaded"
    retry_after_secs = 5
