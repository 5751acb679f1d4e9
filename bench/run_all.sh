#!/usr/bin/env bash
# Every issue-7 benchmark, side by side in one run: bench/run_all.sh
#
# Uses (and, when it holds no articles yet, creates, migrates and fills) the PostgreSQL
# database named by BENCH_DATABASE_URL (default: newsroom_bench on 127.0.0.1). The
# Markdown tables land in bench/out/results.md, the raw figures in bench/out/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/newsroom_bench}"
PY=.venv/bin/python
OUT=bench/out
mkdir -p "$OUT"
REPORT="$OUT/results.md"
# The request log (one JSON line per request) is for operators, not for this report.
quiet() { grep -v -e '^{"method"' -e '^AXES: ' || true; }

db_name="${DATABASE_URL##*/}"
admin_url="${DATABASE_URL%/*}/postgres"
if ! psql "$admin_url" -tAc "select 1 from pg_database where datname='$db_name'" | grep -q 1; then
    psql "$admin_url" -qc "create database \"$db_name\""
fi
$PY manage.py migrate --noinput -v0 2>&1 | quiet
$PY -c 'import bench; bench.setup_django(); print("Indexes added:", bench.add_missing_indexes())' 2>&1 | quiet
# Planner statistics for what migrations filled or indexed (the stored search vectors, new
# indexes): without them PostgreSQL guesses, and search plans change.
psql "$DATABASE_URL" -qc "ANALYZE"

{
    echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
         "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM;" \
         "$(psql "$admin_url" -tAc 'show server_version' | cut -d' ' -f1) PostgreSQL;" \
         "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- articles newsroom templates || echo ' plus uncommitted changes')."
    echo
} > "$REPORT"

if [ "$($PY manage.py shell -c 'from articles.models import Article; print(Article.objects.count())' 2>/dev/null | tail -1)" = "0" ]; then
    echo "### Scale data: \`$PY bench/generate_archive.py\`" >> "$REPORT"
    echo '```' >> "$REPORT"
    $PY bench/generate_archive.py 2>&1 | quiet | tee -a "$REPORT"
    echo '```' >> "$REPORT"
fi
$PY manage.py shell -c '
from articles.models import Article, Author, Byline, Photo, Section, Tag
print(f"Archive: {Article.objects.count()} articles ({Article.objects.published().count()} public),"
      f" {Author.objects.count()} authors, {Section.objects.count()} sections,"
      f" {Photo.objects.count()} photos, {Byline.objects.count()} bylines,"
      f" {Article.tags.through.objects.count()} article tags, {Tag.objects.count()} tags.")
' 2>&1 | quiet | tail -1 | tee -a "$REPORT"
echo >> "$REPORT"

section() {  # section TITLE COMMAND...: run COMMAND, keep its closing Markdown table
    local title="$1"; shift
    echo "### $title: \`$*\`" | tee -a "$REPORT"
    echo >> "$REPORT"
    "$@" 2>&1 | quiet | tee "$OUT/last.log"
    # The table each benchmark prints last, after a blank line.
    awk 'BEGIN{RS=""} END{print}' "$OUT/last.log" >> "$REPORT"
    echo >> "$REPORT"
}

# BENCH_QUICK=1: a short rehearsal of the whole run (its figures are not for keeping).
if [ -n "${BENCH_QUICK:-}" ]; then
    quick_throughput="--duration 2 --rounds 1"; quick_search="--repeat 1 --timeout 3"
    quick_admin="--repeat 2"
fi
section "Page throughput" $PY bench/throughput.py ${quick_throughput:-}
section "Search latency" $PY bench/search_latency.py ${quick_search:-}
section "Admin change list" $PY bench/admin_latency.py ${quick_admin:-}
# bench/import_throughput.py (the importers' benchmark) times one WXR size per run, so
# a second run adds WXR at 1,000 posts beside the 10,000 of the first.
if [ -f bench/import_throughput.py ] && [ -z "${BENCH_QUICK:-}" ]; then
    echo "### Import: \`$PY bench/import_throughput.py --databases postgres\` and" \
         "\`... --databases postgres --sizes 1000 --wxr 1000\`" | tee -a "$REPORT"
    echo >> "$REPORT"
    $PY bench/import_throughput.py --databases postgres 2>&1 | quiet
    cp "$OUT/import_throughput.json" "$OUT/import-10k.json"
    $PY bench/import_throughput.py --databases postgres --sizes 1000 --wxr 1000 2>&1 | quiet
    cp "$OUT/import_throughput.json" "$OUT/import-1k.json"
    $PY - "$OUT/import-1k.json" "$OUT/import-10k.json" >> "$REPORT" <<'PYTHON'
import json, sys
rows = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        kind = "WXR" if r["workload"].startswith("WXR") else "plain text"
        rows.setdefault((r["database"], kind, r["articles"]), r)
print("| database | format | articles | seconds | articles/s | peak RSS MB | 10k/1k time | 10k/1k memory |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for (db, kind, n), r in sorted(rows.items()):
    small = rows.get((db, kind, 1000))
    ratio = (f"{r['seconds'] / small['seconds']:.1f}× | {r['peak_rss_mb'] / small['peak_rss_mb']:.2f}×"
             if n == 10000 and small else " | ")
    print(f"| {db} | {kind} | {n:,} | {r['seconds']:.1f} | {r['rate']:.0f} | {r['peak_rss_mb']:.0f} | {ratio} |")
PYTHON
    echo >> "$REPORT"
fi
echo "Report: $REPORT"
