#!/bin/sh
# Installs Debian's `chromium` for the report-rendering test when it is missing
# (CI runs as root and may apt-get). Never fails the test run: without a
# browser, test/report-render.test.ts skips and says why.
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium is absent and cannot be installed here (needs root and apt-get); the render test will skip" >&2
  exit 0
fi
start=$(date +%s)
echo "ensure-chromium: installing Debian's chromium for the report-rendering test…" >&2
if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1; then
  echo "ensure-chromium: installed in $(($(date +%s) - start)) s" >&2
else
  echo "ensure-chromium: apt-get could not install chromium; the render test will skip" >&2
fi
exit 0
