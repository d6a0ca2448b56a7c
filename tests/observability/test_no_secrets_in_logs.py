"""Every log line the suite produced, read back: no token, password, key or auth header.

It runs after all other tests (marker `after_all`) and reads the logs of every system they
started (live stacks, fault systems, the browser-test stack: all under pytest's base temporary
folder), so a secret written anywhere in a run of `make test` fails the suite.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Secrets the suite itself uses: passwords of its users, the fake LLM's API key, the signing key.
KNOWN_SECRETS = [
    "correct-horse",  # tests/integration/conftest.py
    "e2e-password",  # tests/e2e/conftest.py
    "pw-for-tests-only",  # tests/conftest.py
    "sk-fake",  # LLM_API_KEY of tests/integration/test_llm_turns.py
    os.environ["DJANGO_SECRET_KEY"],
]
PATTERNS = {
    "a JWT": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "a bearer credential": re.compile(r"(?i)bearer\s+(?!\[redacted)[A-Za-z0-9._~+/=-]{8,}"),
    "a token in a query string": re.compile(r"(?i)[?&](?:token|access|refresh)=(?!\[redacted)\w"),
    "a password field": re.compile(r'(?i)"password"\s*:\s*"(?!\[redacted)[^"]+"'),
}


def _log_files(root: Path) -> list[Path]:
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and path.suffix in {".log", ".out"} and "metrics" not in path.parts
    ]


@pytest.mark.after_all
def test_no_log_of_the_suite_holds_a_secret(tmp_path_factory: pytest.TempPathFactory) -> None:
    files = _log_files(tmp_path_factory.getbasetemp())
    findings = []
    lines = 0
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            lines += 1
            found = [name for name, pattern in PATTERNS.items() if pattern.search(line)]
            found += [f"the secret {secret[:3]}…" for secret in KNOWN_SECRETS if secret in line]
            findings += [f"{path}:{number}: {what}" for what in found]
    print(f"log audit: {lines} lines in {len(files)} files")
    assert not findings, "\n".join(findings[:50])
