"""`make audit`: known vulnerabilities in the Python and npm dependencies that ship.

Runs pip-audit over the project's environment and `npm audit --omit=dev` over the web chat's
runtime packages. Fails on any known vulnerability (npm: high or critical) that is not listed,
with its reason, in scripts/audit_exceptions.txt. When an advisory database cannot be reached
(no network, or a package mirror without the audit API), it says so plainly and, unless
AUDIT_REQUIRED=1, does not fail: an audit that could not run is reported, never passed off as
clean.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXCEPTIONS = ROOT / "scripts" / "audit_exceptions.txt"
BLOCKING_NPM_SEVERITIES = {"high", "critical"}
AUDIT_SECS = 180  # per auditor: an unreachable advisory service must not stall the build


@dataclass
class Outcome:
    tool: str
    audited: int
    findings: list[str]  # advisory ids with the package they affect
    unavailable: str | None = None


def pip_outcome(report: dict[str, Any]) -> Outcome:
    """pip-audit's JSON report: audited packages and their advisories."""
    if "error" in report:
        return Outcome("pip-audit", 0, [], str(report.get("message")))
    dependencies = report.get("dependencies", [])
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    findings = [
        f"{vuln['id']} {dep['name']} {dep.get('version', '')}".strip()
        for dep in audited
        for vuln in dep.get("vulns", [])
    ]
    unavailable = None
    if not audited:
        unavailable = "the advisory database answered for none of the packages"
    return Outcome("pip-audit", len(audited), findings, unavailable)


def npm_outcome(report: dict[str, Any]) -> Outcome:
    """`npm audit --json`: its vulnerabilities, or the error it got from the registry."""
    if "error" in report or "statusCode" in report:
        return Outcome(
            "npm audit", 0, [], f"the registry's audit endpoint: {report.get('message')}"
        )
    findings = [
        f"{name} ({entry.get('severity')})"
        for name, entry in report.get("vulnerabilities", {}).items()
        if entry.get("severity") in BLOCKING_NPM_SEVERITIES
    ]
    audited = int(report.get("metadata", {}).get("dependencies", {}).get("prod", 0))
    return Outcome("npm audit", audited, findings)


def exceptions() -> set[str]:
    """Advisory ids (first word of each line) accepted with a reason; '#' starts a comment."""
    if not EXCEPTIONS.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in EXCEPTIONS.read_text().splitlines())
    return {line.split()[0] for line in lines if line}


def _json_of(args: list[str], cwd: Path) -> dict[str, Any]:
    try:
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=AUDIT_SECS)
    except subprocess.TimeoutExpired:
        return {"error": True, "message": f"no answer within {AUDIT_SECS} s"}
    try:
        report: dict[str, Any] = json.loads(done.stdout or "{}")
    except ValueError:
        report = {"error": True, "message": (done.stderr or done.stdout).strip()[-300:]}
    return report


def main() -> int:
    venv_bin = Path(sys.executable).parent
    outcomes = [
        pip_outcome(
            _json_of(
                [
                    str(venv_bin / "pip-audit"),
                    "--skip-editable",
                    "-f",
                    "json",
                    "--progress-spinner",
                    "off",
                ],
                ROOT,
            )
        ),
        npm_outcome(_json_of(["npm", "audit", "--omit=dev", "--json"], ROOT / "frontend")),
    ]
    accepted = exceptions()
    failed = False
    for outcome in outcomes:
        if outcome.unavailable:
            print(f"{outcome.tool}: COULD NOT RUN ({outcome.unavailable})")
            failed |= os.environ.get("AUDIT_REQUIRED") == "1"
            continue
        open_findings = [f for f in outcome.findings if f.split()[0] not in accepted]
        print(
            f"{outcome.tool}: {outcome.audited} packages audited, "
            f"{len(outcome.findings)} known vulnerabilities, {len(open_findings)} unexplained"
        )
        for finding in open_findings:
            print(f"  {finding}")
        failed |= bool(open_findings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
