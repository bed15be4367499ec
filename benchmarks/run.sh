#!/usr/bin/env bash
# Run every benchmark in its own environment (the peers are never ssmkit's dependencies).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
for bench in bench_overhead.py bench_safe_update.py bench_conversion.py bench_import.py bench_memory.py bench_bulk.py bench_plan.py bench_fleet.py; do
  echo "== $bench"
  .venv/bin/python "$bench"
done
