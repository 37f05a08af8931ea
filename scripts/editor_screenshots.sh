#!/usr/bin/env bash
# Remakes the README's pictures of the editors' desk (docs/editor/*.png: the action bar, the
# citation picker and the checks panel) by running the end-to-end editorial browser test with
# EDITOR_SCREENSHOTS set, then checks each is under 200 KB. Run by hand (`make screenshots`)
# after changing those screens, and commit the PNG files; CI never sets the variable.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/editor
EDITOR_SCREENSHOTS="$OUT" .venv/bin/python -m pytest -p no:xdist -q tests/browser/test_editorial_flow.py
for name in action-bar citation-picker checks-panel; do
  file="$OUT/$name.png"
  size=$(stat -c %s "$file")
  if [ "$size" -ge 204800 ]; then
    echo "error: $file is $size bytes; keep each screenshot under 200 KB" >&2
    exit 1
  fi
  echo "$file: $((size / 1024)) KB"
done
