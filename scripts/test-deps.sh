#!/bin/sh
# What `make test` needs beyond .venv/: Debian's Chromium for the browser tests (tests/browser).
# As root it installs what is missing with apt-get, as .ci/run does; otherwise it stops with
# one line that says what to install, instead of a test run of tracebacks.
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "make test needs Chromium at $CHROMIUM for the browser tests: install it with 'sudo apt-get install chromium' (or run make test as root, which installs it)" >&2
    exit 1
fi
if ! command -v apt-get > /dev/null 2>&1; then
    echo "make test needs Chromium at $CHROMIUM for the browser tests, and this machine has no apt-get to install it: install Chromium so that $CHROMIUM runs it" >&2
    exit 1
fi
echo "Installing Debian's chromium for the browser tests (apt-get install chromium)"
log=$(mktemp)
if DEBIAN_FRONTEND=noninteractive apt-get update -qq > "$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >> "$log" 2>&1 \
    && [ -x "$CHROMIUM" ]; then
    rm -f "$log"
    exit 0
fi
echo "make test needs Chromium at $CHROMIUM for the browser tests, and 'apt-get install chromium' failed ($(tail -n 1 "$log")): install it by hand" >&2
rm -f "$log"
exit 1
