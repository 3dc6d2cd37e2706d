#!/usr/bin/env bash
# `npm test`: static checks, then every test (unit + integration) against the real PostgreSQL
# and the real Kafka broker. Starts the broker (scripts/kafka.sh) when none is running and
# stops it again afterwards; PostgreSQL must be reachable at TEST_POSTGRES_URL
# (default postgresql://postgres@127.0.0.1:5432/postgres). Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"

step() { printf '\n== %s\n' "$*"; }

step "PostgreSQL at $TEST_POSTGRES_URL"
node -e "
const pg = require('pg');
const c = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
c.connect().then(() => c.query('select version()')).then(r => { process.stdout.write(r.rows[0].version + '\\n'); return c.end(); })
 .catch(e => { process.stderr.write('PostgreSQL is not reachable: ' + e.message + '\\n'); process.exit(1); });"

started_kafka=0
if [[ -z "${KAFKA_EXTERNAL:-}" ]] && ! bash scripts/kafka.sh status >/dev/null 2>&1; then
  step "starting the Kafka broker"
  bash scripts/kafka.sh start
  started_kafka=1
fi
cleanup() { if [[ $started_kafka == 1 ]]; then bash scripts/kafka.sh stop || true; fi; }
trap cleanup EXIT

step "typecheck";  npx tsc --noEmit -p .
step "lint";       npx eslint .
step "dependency rule"; npm run -s depcheck

step "tests"
mkdir -p .cache
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-report.json "$@"
status=$?
set -e
node -e "
const r = require('./.cache/vitest-report.json');
const skipped = r.numPendingTests + r.numTodoTests;
process.stdout.write('\\n' + r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed' + (skipped ? ', ' + skipped + ' skipped' : '') + '\\n');
" || true
exit $status
