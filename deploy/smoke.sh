#!/usr/bin/env bash
# Production smoke check: run against a deployed exponential after every deploy.
#   BASE_URL=https://tracker.example.com METRICS_TOKEN=… deploy/smoke.sh
# Checks: the web root answers, /api/healthz and /api/readyz are OK, /api/metrics is a plain 404
# without the token and 200 with it, and the security headers are present. Exits non-zero on the
# first failure, naming it.
set -euo pipefail
: "${BASE_URL:?set BASE_URL, e.g. https://tracker.example.com}"
: "${METRICS_TOKEN:?set METRICS_TOKEN (EXPONENTIAL_METRICS_TOKEN of the deployment)}"
base=${BASE_URL%/}
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

[ "$(status -H 'accept: text/html' "$base/")" = 200 ] || fail "web root $base/ is not 200"
[ "$(status "$base/api/healthz")" = 200 ] || fail "/api/healthz is not 200"
[ "$(status "$base/api/readyz")" = 200 ] || fail "/api/readyz is not 200 (database or migrations)"
[ "$(status "$base/api/metrics")" = 404 ] || fail "/api/metrics without a token must be 404"
[ "$(status -H "x-metrics-token: wrong-token-wrong-token" "$base/api/metrics")" = 404 ] || fail "/api/metrics with a wrong token must be 404"
[ "$(status -H "x-metrics-token: $METRICS_TOKEN" "$base/api/metrics")" = 200 ] || fail "/api/metrics with the token is not 200"
[ "$(status -H "authorization: Bearer $METRICS_TOKEN" "$base/api/metrics/red")" = 200 ] || fail "/api/metrics/red with a bearer token is not 200"
headers=$(curl -s -D - -o /dev/null -H 'accept: text/html' "$base/")
for h in 'content-security-policy:' 'strict-transport-security:' 'x-content-type-options: nosniff' 'referrer-policy:' 'permissions-policy:'; do
  grep -qi "^$h" <<<"$headers" || fail "missing header: $h"
done
grep -i '^content-security-policy:' <<<"$headers" | grep -q "frame-ancestors 'none'" || fail "CSP lacks frame-ancestors 'none'"
echo "smoke: OK ($base)"
