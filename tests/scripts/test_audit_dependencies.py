"""`make audit` reads the auditors' reports right: findings fail, an audit that could not run
says so and is never reported as clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_pip_findings_and_an_unreachable_database_are_told_apart() -> None:
    audit = _audit()
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1"}]},
            {"name": "redis", "version": "8.1.0", "vulns": []},
        ]
    }
    found = audit.pip_outcome(report)
    assert (found.audited, found.findings, found.unavailable) == (2, ["PYSEC-1 django 5.2.0"], None)
    skipped = {"dependencies": [{"name": "django", "skip_reason": "not found on PyPI"}]}
    assert audit.pip_outcome(skipped).unavailable is not None
    timed_out = {"error": True, "message": "no answer within 180 s"}
    assert audit.pip_outcome(timed_out).unavailable == "no answer within 180 s"


def test_npm_fails_on_high_severity_only_and_reports_a_refused_endpoint() -> None:
    audit = _audit()
    report = {
        "vulnerabilities": {
            "react-dom": {"severity": "high"},
            "left-pad": {"severity": "low"},
        },
        "metadata": {"dependencies": {"prod": 3}},
    }
    found = audit.npm_outcome(report)
    assert (found.audited, found.findings) == (3, ["react-dom (high)"])
    refused = audit.npm_outcome({"statusCode": 405, "message": "405 Method Not Allowed"})
    assert refused.unavailable is not None and refused.findings == []
