"""The close codes (chat/sockets/closes.py) are the contract's, one meaning each."""

from __future__ import annotations

from chat.sockets import closes

CONTRACT = {
    "GOING_AWAY": 1001,
    "INTERNAL_ERROR": 1011,
    "UNAUTHORIZED": 4401,
    "FORBIDDEN": 4403,
    "NOT_FOUND": 4404,
    "TOO_MANY": 4429,
}


def codes() -> dict[str, int]:
    return {name: value for name, value in vars(closes).items() if name.isupper()}


def test_every_close_code_the_contract_names_has_its_number() -> None:
    assert {name: codes()[name] for name in CONTRACT} == CONTRACT


def test_every_code_is_distinct_and_a_websocket_close_code() -> None:
    values = list(codes().values())
    assert len(set(values)) == len(values)
    # 1000-2999 the protocol's, 4000-4999 the application's.
    assert all(1000 <= value <= 2999 or 4000 <= value <= 4999 for value in values)
