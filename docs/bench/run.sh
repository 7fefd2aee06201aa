#!/bin/sh
# The sign path against the database's ceiling, and the statement page
# under a surge, measured in one go on one machine:
#
#   1. pgbench inserting signature-shaped rows (32 clients, prepared);
#   2. Signon's sign rate through the JSON API (signon-load, 32 clients);
#   3. Signon's /healthz rate (32 readers): the HTTP stack's ceiling;
#   4. the statement page's rate (32 readers) while signatures arrive at a
#      fixed rate, and whether the count is exact a second later;
#
# then the ratios: Signon's sign rate to pgbench's, the page's rate to
# /healthz's.
#
# It needs a running server on PostgreSQL with the sample data and no
# sign limit, such as
#
#   SIGNON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/signon?sslmode=disable \
#   SIGNON_SIGN_LIMIT=0 go run ./cmd/signon serve --demo --addr 127.0.0.1:8091
#
# and psql and pgbench on the PATH. It adds thousands of signatures to the
# sample letter: use a database for measuring, not one people use.
#
# Settings (environment): SIGNON_DATABASE_URL (required, the server's
# database), SIGNON_URL (http://127.0.0.1:8091), STATEMENT (the sample
# letter), SECONDS_EACH (20), CLIENTS (32), SIGN_RATE (100 a second,
# during the page run).
set -eu

: "${SIGNON_DATABASE_URL:?set SIGNON_DATABASE_URL to the server's PostgreSQL database}"
SIGNON_URL=${SIGNON_URL:-http://127.0.0.1:8091}
STATEMENT=${STATEMENT:-sample-letter-north-american-leaders-summit}
SECONDS_EACH=${SECONDS_EACH:-20}
CLIENTS=${CLIENTS:-32}
SIGN_RATE=${SIGN_RATE:-100}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'psql -q "$SIGNON_DATABASE_URL" -c "DROP SCHEMA IF EXISTS signon_bench CASCADE" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT INT TERM

(cd "$root" && go build -o "$tmp/signon-load" ./cmd/signon-load)
load() { "$tmp/signon-load" -url "$SIGNON_URL" -statement "$STATEMENT" "$@"; }
# rate KIND FILE: the req/s of KIND in a signon-load report.
rate() { awk -v k="$1" '$1 == k { print $3 }' "$2"; }

curl -fsS "$SIGNON_URL/healthz" >/dev/null || { echo "no Signon server at $SIGNON_URL" >&2; exit 1; }
echo "PostgreSQL: $(psql -At "$SIGNON_DATABASE_URL" -c 'SELECT version()' | cut -d, -f1)," \
  "fsync=$(psql -At "$SIGNON_DATABASE_URL" -c 'SHOW fsync')," \
  "synchronous_commit=$(psql -At "$SIGNON_DATABASE_URL" -c 'SHOW synchronous_commit')"
st=$(psql -At "$SIGNON_DATABASE_URL" -c "SELECT id FROM statements WHERE slug = '$STATEMENT'")
[ -n "$st" ] || { echo "no statement $STATEMENT in the database" >&2; exit 1; }

echo "== 1. pgbench: signature-shaped inserts, $CLIENTS clients, ${SECONDS_EACH}s"
psql -q -v ON_ERROR_STOP=1 "$SIGNON_DATABASE_URL" -f "$here/pgbench-signature-setup.sql"
pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -D st="$st" -f "$here/pgbench-signature.sql" \
  "$SIGNON_DATABASE_URL" | tee "$tmp/pgbench.txt"
pg_tps=$(awk '/^tps = / { print $3; exit }' "$tmp/pgbench.txt")

echo "== 2. Signon: signatures through the API, $CLIENTS clients, ${SECONDS_EACH}s"
load -signatures 10000000 -reads 0 -concurrency "$CLIENTS" -max-time "${SECONDS_EACH}s" | tee "$tmp/sign.txt"
grep -q '429:' "$tmp/sign.txt" && echo "warning: 429 answers; start the server with SIGNON_SIGN_LIMIT=0" >&2
sign=$(rate sign "$tmp/sign.txt")

echo "== 3. Signon: /healthz, $CLIENTS readers, ${SECONDS_EACH}s"
load -readers "$CLIENTS" -read healthz -reads 100000000 -max-time "${SECONDS_EACH}s" | tee "$tmp/healthz.txt"
healthz=$(rate healthz "$tmp/healthz.txt")

echo "== 4. Signon: the statement page, $CLIENTS readers, while signing at $SIGN_RATE/s, ${SECONDS_EACH}s"
load -sign-rate "$SIGN_RATE" -signatures $((SIGN_RATE * SECONDS_EACH)) -readers "$CLIENTS" -read page \
  -max-time "$((SECONDS_EACH + 10))s" -check-count | tee "$tmp/page.txt"
page=$(rate page "$tmp/page.txt")

echo "== Ratios"
awk -v pg="$pg_tps" -v sign="$sign" -v healthz="$healthz" -v page="$page" 'BEGIN {
  printf "signatures: Signon %.0f/s, pgbench %.0f/s: %.0f%% of the database ceiling\n", sign, pg, 100 * sign / pg
  printf "page while signing: %.0f/s, /healthz %.0f/s: %.0f%% of the HTTP ceiling\n", page, healthz, 100 * page / healthz
}'
