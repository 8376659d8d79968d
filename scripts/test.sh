#!/usr/bin/env bash
# Install the test dependencies and run the whole suite (unit, AppTest, browser).
# Browser tests need Debian's chromium at /usr/bin/chromium; as root we install it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
# the PDF report's tests read the PDF back with poppler and need fonts for Cyrillic and Chinese
if ! command -v pdftotext >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq fonts-dejavu-core fonts-noto-cjk poppler-utils >/dev/null
fi
# the type checker first (configuration and strictness: [tool.mypy] in pyproject.toml)
python3 -m mypy
# two workers (pytest-xdist): the suite takes ~6.5 min instead of ~20 on two cores
# --dist loadgroup: tests marked xdist_group("spark") share one worker (one Spark JVM per run)
exec python3 -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup "$@"
