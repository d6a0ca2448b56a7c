"""Property-based fuzzing of the HTTP API from its own OpenAPI document (schemathesis).

Every operation of /api/schema/ gets generated valid and invalid requests (examples, coverage,
fuzzing and stateful phases) as an authenticated user. The server must never answer 5xx, every
status and body must be the documented ones, invalid requests must be refused, and operations
must refuse unauthenticated calls. `positive_data_acceptance` is left out: schemathesis 4 counts
as valid a body with a property the schema forbids (additionalProperties: false), see
docs/security.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.integration.stack import LiveStack

MAX_EXAMPLES = 25
CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261126


def test_the_api_holds_its_schema_under_fuzzing(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    st = Path(sys.executable).with_name("st")
    done = subprocess.run(
        [
            str(st),
            "--config-file",
            str(CONFIG),
            "run",
            f"{live_stack.url}/api/schema/",
            "--url",
            live_stack.url,
            "--header",
            f"Authorization: Bearer {owner[1]}",
            # Its own client address, so its log-in attempts use up no one else's allowance.
            "--header",
            "X-Forwarded-For: 198.51.100.77",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            # The same cases on every machine (and no examples remembered from earlier runs).
            "--generation-deterministic",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-6000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", report)
    assert generated is not None, report[-2000:]
    assert int(generated[1]) >= 300  # the run really exercised the API
    print(f"schemathesis: {generated[0]}")
