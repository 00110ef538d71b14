#!/usr/bin/env bash
# Set up a virtual environment from scratch and run every check and test.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The docs extra too: tests/docs builds the documentation site (mkdocs --strict).
.venv/bin/python -m pip install --quiet ".[dev,docs]"

# The browser tests drive Debian's chromium, never a downloaded browser: install it when missing
# (CI runs as root on Debian); without it those tests are skipped with the reason.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 \
             && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }; } \
        || echo "could not install chromium: the browser tests will be skipped" >&2
fi

# Tests and tools use a cache of their own, never the user's.
export OVERFLIGHT_CACHE_DIR="${OVERFLIGHT_CACHE_DIR:-$PWD/.venv/overflight-cache}"

.venv/bin/ruff check .
.venv/bin/mypy  # the files of [tool.mypy] in pyproject.toml: the package and the tests
.venv/bin/lint-imports
# Against the installed package (not src/), so missing package data is caught.
.venv/bin/python -m pytest --doctest-modules --pyargs overflight -q -p no:cacheprovider
.venv/bin/python -m pytest tests "$@"
