"""The errors the chat domain raises, with the contract's status and code for each (the API
answers them as they are; the socket maps the thread's to close codes)."""

from __future__ import annotations

from easy_islanders.errors import ApiError


class ChatError(ApiError):
    """A failure a client caused or must hear about, with a safe message (never exception text)."""


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


class Throttled(ChatError):
    """The sender is over CHAT_SEND_RATE."""

    status = 429
    code = "throttled"

    def __init__(self, wait_secs: int) -> None:
        message = f"Request was throttled. Expected available in {wait_secs} seconds."
        super().__init__(message, retry_after_secs=wait_secs)


class Overloaded(ChatError):
    """Turns wait too long for a worker (CHAT_MAX_QUEUE_WAIT_SECS) or too many wait
    (CHAT_MAX_BACKLOG): a new one would likely fail at its deadline."""

    status = 503
    code = "overloaded"
    retry_after_secs = 5

    def __init__(self) -> None:
        super().__init__("The chat is busy right now. Try again in a few seconds.")
