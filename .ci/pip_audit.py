"""Audit the pinned requirements with pip-audit, telling "no known vulnerabilities" apart from
"could not look".

pip-audit prints "No known vulnerabilities found" and exits 0 even when the vulnerability service
answered for none of the packages: when PyPI's per-release JSON (pypi.org/pypi/NAME/VERSION/json,
where the vulnerabilities are) is not reachable, as behind some mirrors and proxies, it skips each
package as "Dependency not found on PyPI". This script reads pip-audit's JSON report instead:

- a known vulnerability in any package: listed, exit status 1;
- packages that could not be audited (or the service could not be reached at all): a warning
  naming them, exit status 0 — or 1 with PIP_AUDIT_STRICT=1, for CI machines with internet;
- every package audited and clean: exit status 0.

Usage: python .ci/pip_audit.py requirements.txt
"""
import json
import os
import subprocess  # nosec B404  # runs pip-audit, a fixed command
import sys
import tempfile
from pathlib import Path

WARNING = """
!! pip-audit: {count} of {total} pinned packages were NOT checked for known vulnerabilities:
!! {reason}
!! The vulnerability service (PyPI's JSON API) could not be asked about them, so the absence of
!! findings proves nothing. Run `make lint` where https://pypi.org/pypi/NAME/VERSION/json answers,
!! or set PIP_AUDIT_STRICT=1 to make this an error.
"""


def main(requirements: str) -> int:
    strict = os.environ.get("PIP_AUDIT_STRICT") == "1"
    with tempfile.TemporaryDirectory() as scratch:
        report_path = Path(scratch) / "report.json"
        # --no-deps --disable-pip: every requirement is pinned with ==, transitive ones included,
        # so the file is audited as it stands without building a virtualenv to resolve it.
        command = [
            sys.executable, "-m", "pip_audit", "--requirement", requirements, "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "--format", "json", "--output", str(report_path),
        ]
        finished = subprocess.run(command, capture_output=True, text=True)  # nosec B603  # no shell, fixed argv
        report = json.loads(report_path.read_text()) if report_path.exists() and report_path.stat().st_size else None

    if report is None:  # pip-audit stopped before auditing: usually the service is unreachable
        print(finished.stderr, file=sys.stderr)
        print(WARNING.format(count="all", total="the", reason="pip-audit stopped (see above)"), file=sys.stderr)
        return 1 if strict or "ConnectionError" not in finished.stderr else 0

    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} packages audited, "
          f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities.", flush=True)
    if skipped:
        reason = skipped[0]["skip_reason"].split(":")[0]
        names = ", ".join(d["name"] for d in skipped)
        print(WARNING.format(count=len(skipped), total=len(dependencies), reason=f"{reason}: {names}"),
              file=sys.stderr)
    if vulnerable:
        return 1
    return 1 if skipped and strict else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
