import json
import logging

from observability.correlation import correlation_scope
from observability.logging import JsonLinesFormatter, redact


def format_line(message: str, **extra: object) -> dict[str, object]:
    record = logging.makeLogRecord({"msg": message, "levelname": "INFO", "name": "t", **extra})
    return dict(json.loads(JsonLinesFormatter().format(record)))


def test_a_line_is_one_json_object_with_the_correlation_id_and_extras() -> None:
    with correlation_scope("cid-42"):
        line = format_line("turn_started", turn_id="T1", attempt=2)
    assert line["event"] == "turn_started" and line["correlation_id"] == "cid-42"
    assert line["turn_id"] == "T1" and line["attempt"] == 2 and line["level"] == "info"


def test_it_never_writes_a_secret() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlc2lnbmF0dXJl"
    line = json.dumps(
        format_line(
            f"WebSocket /ws/chat/x/?token=abc123&last_seq=1 Authorization: Bearer {jwt}",
            body='{"password": "hunter2"}',
            raw=jwt,
        )
    )
    for secret in ("abc123", jwt, "hunter2"):
        assert secret not in line
    assert "last_seq=1" in line


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("the token_expiring frame was sent") == "the token_expiring frame was sent"


def test_a_hostile_path_cannot_split_a_line() -> None:
    path = "/api/chat/threads/\x85a\u2028b\u2029c\r\nd/"
    record = logging.makeLogRecord(
        {"msg": "http_request", "levelname": "INFO", "name": "t", "path": path}
    )
    text = JsonLinesFormatter().format(record)
    assert len(text.splitlines()) == 1
    assert json.loads(text)["path"] == path
