from __future__ import annotations

from typing import Any

import pytest

from tests.chat.capture import QUICK_HASHERS


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    """Users made here get a quick password hash (the default takes ~0.3 s, by design)."""
    settings.PASSWORD_HASHERS = QUICK_HASHERS
