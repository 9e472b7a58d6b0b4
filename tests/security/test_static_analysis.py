"""bandit finds nothing of medium severity or above in the portal's code.

A finding is either fixed or justified where it stands, as ``# nosec BXXX: why it is safe``.
The configuration (what is left out: migrations, tests) is ``[tool.bandit]`` in pyproject.toml.
`check --deploy` under production settings is tested in tests/portal/test_settings.py.
"""

import json
import re
import subprocess
import sys

from django.conf import settings

APPS = ("portal", "actions", "agreements", "municipalities")
NOSEC = re.compile(r"#\s*nosec\b(.*)$")
JUSTIFIED = re.compile(r"^ B\d{3}(, ?B\d{3})*: \S.*")


def bandit(*args):
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", *APPS, "-f", "json", "-q", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return result, json.loads(result.stdout)


def test_bandit_finds_nothing_of_medium_severity_or_above():
    result, report = bandit("--severity-level", "medium")
    findings = [
        f"{r['filename']}:{r['line_number']}: {r['test_id']} ({r['issue_severity']}) {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert report["errors"] == []
    assert result.returncode == 0, result.stderr
    # It did read the code (and not the migrations): a scan of nothing would also find nothing.
    scanned = set(report["metrics"]) - {"_totals"}
    assert {f"{app}/models.py" for app in APPS} <= scanned
    assert not [name for name in scanned if "/migrations/" in name or name.startswith("tests/")]


def test_every_nosec_names_the_check_and_says_why():
    unjustified = []
    for app in APPS:
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                found = NOSEC.search(line)
                if found and not JUSTIFIED.match(found.group(1)):
                    unjustified.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert unjustified == []
