#!/usr/bin/env bash
# tests/run-all.sh - every test vulnflow has, as `make check` runs them.
#
#  1. the SQL check (and a self-test that it catches a planted violation)
#  2. unit tests (cmocka, ASan/UBSan build) on SQLite
#  3. short libFuzzer runs of every parser (tests/fuzz/fuzz_*.c)
#  4. the API suite against the real server on SQLite
#     (and tests/intake: crash safety and tamper detection; on PostgreSQL also
#     two servers appending to one receipt log)
#  5. a PostgreSQL 15 server started here in a temporary directory, then the
#     database unit tests and the API suite again on it
# Ends with one line: "N passed, N failed".  Exit 1 if anything failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BUILD=${BUILD:-build-check}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
# Debian's interpreter: the tests use Debian's python3 packages (aiosmtpd, jsonschema)
PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHON
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}

passed=0
failed=0
failures=()
work=$(mktemp -d /tmp/vulnflow-check.XXXXXX)
pgdir=""

cleanup() {
    [[ -n $pgdir ]] && tests/pg.sh stop "$pgdir" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

section() { printf '\n=== %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf 'ok - %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf 'not ok - %s\n' "$1"; }

# Add the counts of a runner's TAP or summary output (in file $2) under name $1.
count_tap() {
    # a "# SKIP" line (cmocka writes "not ok N # SKIP") is neither passed nor failed
    local name=$1 out=$2 ok bad skip
    ok=$(grep -E '^ok [0-9]+' "$out" | grep -cvE '# SKIP')
    bad=$(grep -E '^not ok [0-9]+' "$out" | grep -cvE '# SKIP')
    skip=$(grep -cE '^(not )?ok [0-9]+ *(- [^#]*)?# SKIP' "$out")
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [[ $bad -gt 0 ]]; then
        while IFS= read -r line; do failures+=("$name: ${line#not ok }"); done \
            < <(grep -E '^not ok [0-9]+' "$out" | grep -vE '# SKIP')
        # the lines after each failure say why
        grep -A4 -E '^not ok [0-9]+' "$out" | grep -vE '# SKIP' | head -40
    fi
    if [[ $skip -gt 0 ]]; then
        printf '%s: %d passed, %d failed, %d skipped (%s)\n' "$name" "$ok" "$bad" "$skip" \
            "$(grep -E '# SKIP' "$out" | sed -E 's/.*# SKIP *//' | paste -sd, -)"
    else
        printf '%s: %d passed, %d failed\n' "$name" "$ok" "$bad"
    fi
}

# Run a cmocka binary with TAP output; a crash or a sanitizer report fails it too.
run_unit() {
    local name=$1 exe=$2 out=$work/${1//\//_}.out
    shift 2
    if env CMOCKA_MESSAGE_OUTPUT=TAP "$@" "$exe" >"$out" 2>&1; then
        count_tap "$name" "$out"
    else
        count_tap "$name" "$out"
        if ! grep -qE '^not ok' "$out"; then fail "$name: exited non-zero"; fi
        grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$out" | head -5
    fi
    grep -E '^# group commit' "$out" || true
}

run_api() {
    local name=$1 out=$work/${1//\//_}.out
    shift
    "$PYTHON" tests/api/run.py --binary "$BUILD/vulnflow" "$@" >"$out" 2>&1
    local rc=$?
    count_tap "$name" "$out"
    tail -1 "$out"
    if [[ $rc -ne 0 ]] && ! grep -qE '^not ok' "$out"; then
        fail "$name: suite exited $rc"
        tail -20 "$out"
    fi
}

section "SQL is only in src/store and never built with printf"
if tools/check-sql.sh; then pass "check-sql"; else fail "check-sql"; fi
# the check must catch what it is for: plant a violation in a copy
mkdir -p "$work/planted"
cp -r src tools "$work/planted/"
printf 'void planted(char *b, int id)\n{\n\tsnprintf(b, 64, "SELECT name FROM users WHERE id = %%d", id);\n}\n' \
    >>"$work/planted/src/http/route.c"
if (cd "$work/planted" && tools/check-sql.sh >/dev/null); then
    fail "check-sql catches a planted printf-built query"
else
    pass "check-sql catches a planted printf-built query"
fi

section "unit tests (ASan/UBSan) on SQLite"
for exe in "$BUILD"/tests/test_*; do
    [[ -f $exe && -x $exe ]] || continue
    run_unit "unit/$(basename "$exe")" "$exe"
done

# every target tests/fuzz/fuzz_NAME.c has a seed corpus in tests/fuzz/corpus/NAME/
targets=$(cd tests/fuzz/corpus && ls)
section "fuzzing: $(echo $targets), ${FUZZ_SECONDS}s each"
for target in $targets; do
    mkdir -p "$work/corpus-$target"
    cp tests/fuzz/corpus/$target/* "$work/corpus-$target/"
    if "$FUZZ_BUILD"/tests/fuzz_$target -max_total_time="$FUZZ_SECONDS" -max_len=4096 \
        -print_final_stats=1 "$work/corpus-$target" >"$work/fuzz-$target.out" 2>&1; then
        pass "fuzz_$target: $(grep -oE 'stat::number_of_executed_units: *[0-9]+' \
            "$work/fuzz-$target.out" | grep -oE '[0-9]+$') inputs, no crash"
    else
        fail "fuzz_$target"
        tail -30 "$work/fuzz-$target.out"
    fi
done

section "SBOM exports against the CycloneDX 1.6 schema"
mkdir -p "$work/sbom-exports"
if env VULNFLOW_SBOM_EXPORT_DIR="$work/sbom-exports" CMOCKA_MESSAGE_OUTPUT=TAP \
    "$BUILD"/tests/test_sbom >/dev/null 2>&1; then
    "$PYTHON" tests/formats/validate_sbom_exports.py "$work/sbom-exports" >"$work/sbom-schema.out" 2>&1
    count_tap "sbom-exports" "$work/sbom-schema.out"
else
    fail "sbom-exports: test_sbom failed"
fi

section "CSAF 2.0 and OSV exports: strict schema, then the mandatory tests 6.1.x"
# the exporter tests write every document they make; the OASIS examples go through the
# same node checker as a control (tests/csaf: @secvisogram/csaf-validator-lib, pinned)
mkdir -p "$work/csaf-exports"
csaf_ok=1
for t in test_csaf_out test_osv_out test_csaf_feed; do
    if ! env VULNFLOW_CSAF_EXPORT_DIR="$work/csaf-exports" CMOCKA_MESSAGE_OUTPUT=TAP \
        "$BUILD"/tests/$t >/dev/null 2>&1; then
        fail "csaf-exports: $t failed"
        csaf_ok=0
    fi
done
if ((csaf_ok)); then
    "$PYTHON" tests/formats/validate_csaf_exports.py "$work/csaf-exports" >"$work/csaf-schema.out" 2>&1
    count_tap "csaf-exports/schema" "$work/csaf-schema.out"
    csaf_data=${VULNFLOW_SHARED_DATA:-$root/../shared/data}/csaf/2.0/examples
    if (cd tests/csaf && npm ci --no-audit --no-fund --ignore-scripts) >"$work/csaf-npm.out" 2>&1; then
        node tests/csaf/mandatory.mjs "$work/csaf-exports" >"$work/csaf-mandatory.out" 2>&1
        count_tap "csaf-exports/mandatory" "$work/csaf-mandatory.out"
        node tests/csaf/mandatory.mjs "$csaf_data" >"$work/csaf-oasis.out" 2>&1
        count_tap "csaf-oasis-examples/mandatory" "$work/csaf-oasis.out"
    else
        fail "csaf-exports: npm ci in tests/csaf failed"
        tail -20 "$work/csaf-npm.out"
    fi
fi

section "API suite on SQLite"
run_api "api/sqlite"

# A Python suite printing TAP, run on $BUILD/vulnflow: run_suite LABEL SCRIPT [ARGS...];
# a non-zero exit without a "not ok" line fails too
run_suite() {
    local name=$1 script=$2 out=$work/${1//\//_}.out
    shift 2
    "$PYTHON" "$script" --binary "$BUILD/vulnflow" "$@" >"$out" 2>&1
    local rc=$?
    count_tap "$name" "$out"
    if [[ $rc -ne 0 ]] && ! grep -qE '^not ok' "$out"; then
        fail "$name: exited $rc"
        tail -20 "$out"
    fi
}
# tests/intake/*.py: run_intake LABEL SCRIPT [ARGS...]
run_intake() { local name=$1 script=$2; shift 2; run_suite "$name" "tests/intake/$script" "$@"; }

section "intake on SQLite: kill -9 under load, tamper detection"
run_intake "intake/crash/sqlite" crash.py
run_intake "intake/tamper/sqlite" tamper.py

# tests/cases/scenarios.py: the case workflow and its clocks through the server (TAP)
section "cases on SQLite: workflow, clocks, authority report, notifications"
run_suite "cases/sqlite" tests/cases/scenarios.py
# tests/bulletins/scenarios.py: our advisories and the Art. 9 publication gate (TAP)
run_suite "bulletins/sqlite" tests/bulletins/scenarios.py
# tests/bulletins/feed.py: the CSAF provider feed and the OSV feed, as an anonymous client (TAP)
run_suite "feed/sqlite" tests/bulletins/feed.py
# tests/cases/more.py: webhooks, reporter updates, CRA reports, teams, exports (TAP)
run_suite "cases-more/sqlite" tests/cases/more.py
# tests/rewards/scenarios.py: reward policy, decisions, ledger CSV, /mine, CLI (TAP)
run_suite "rewards/sqlite" tests/rewards/scenarios.py
# tests/federation/run.py: two instances exchanging signed envelopes, a hub killed mid-flow (TAP)
run_suite "federation/sqlite" tests/federation/run.py
# tests/federation/hub.py: provider, hub and national database: authority report, relay,
# dashboard, early release, blackouts and consents, advisory published (TAP)
run_suite "federation-hub/sqlite" tests/federation/hub.py
# tests/federation/e2e.py: platform, provider, hub, national database end to end, hub killed (TAP)
run_suite "federation-e2e/sqlite" tests/federation/e2e.py
# tests/federation/platform.py: platform, provider and hub: filing and /registry, routing with
# the overseas guard and the e-mail fallback, status back to the researcher (TAP)
run_suite "federation-platform/sqlite" tests/federation/platform.py

section "web UI in headless chromium (tests/ui: playwright-core, pinned)"
if (cd tests/ui && npm ci --no-audit --no-fund --ignore-scripts) >"$work/ui-npm.out" 2>&1; then
    node tests/ui/run.mjs --binary "$BUILD/vulnflow" --screenshots "$work/ui-screenshots" \
        >"$work/ui.out" 2>&1
    ui_rc=$?
    count_tap "ui/sqlite" "$work/ui.out"
    if [[ $ui_rc -ne 0 ]] && ! grep -qE '^not ok' "$work/ui.out"; then
        fail "ui/sqlite: exited $ui_rc"
        tail -20 "$work/ui.out"
    fi
else
    fail "ui: npm ci in tests/ui failed"
    tail -20 "$work/ui-npm.out"
fi

section "PostgreSQL 15 (started here)"
pgdir=$(mktemp -d /tmp/vulnflow-pg.XXXXXX)
if url=$(tests/pg.sh start "$pgdir"); then
    pass "postgresql started: $url"
    base=${url%/*}
    for dbname in unit_db unit_account unit_tlog api; do
        psql -q "$url" -c "CREATE DATABASE vf_$dbname" || fail "create database vf_$dbname"
    done
    run_unit "unit/test_db@postgresql" "$BUILD/tests/test_db" VULNFLOW_TEST_DB="$base/vf_unit_db"
    run_unit "unit/test_account@postgresql" "$BUILD/tests/test_account" \
        VULNFLOW_TEST_DB="$base/vf_unit_account"
    run_unit "unit/test_tlog@postgresql" "$BUILD/tests/test_tlog" \
        VULNFLOW_TEST_DB="$base/vf_unit_tlog"
    psql -q "$url" -c "CREATE DATABASE vf_unit_fedhub" || fail "create database vf_unit_fedhub"
    run_unit "unit/test_store_fed_hub@postgresql" "$BUILD/tests/test_store_fed_hub" \
        VULNFLOW_TEST_DB="$base/vf_unit_fedhub"
    psql -q "$url" -c "CREATE DATABASE vf_unit_platform" || fail "create database vf_unit_platform"
    run_unit "unit/test_store_platform@postgresql" "$BUILD/tests/test_store_platform" \
        VULNFLOW_TEST_DB="$base/vf_unit_platform"
    psql -q "$url" -c "CREATE DATABASE vf_unit_feed" || fail "create database vf_unit_feed"
    run_unit "unit/test_bulletin_feed@postgresql" "$BUILD/tests/test_bulletin_feed" \
        VULNFLOW_TEST_DB="$base/vf_unit_feed"
    run_api "api/postgresql" --db "$base/vf_api"
    for dbname in intake_crash intake_tamper intake_multi; do
        psql -q "$url" -c "CREATE DATABASE vf_$dbname" || fail "create database vf_$dbname"
    done
    run_intake "intake/crash/postgresql" crash.py --db "$base/vf_intake_crash"
    run_intake "intake/tamper/postgresql" tamper.py --db "$base/vf_intake_tamper"
    run_intake "intake/multiproc/postgresql" multiproc.py --db "$base/vf_intake_multi"
    psql -q "$url" -c "CREATE DATABASE vf_cases" || fail "create database vf_cases"
    run_suite "cases/postgresql" tests/cases/scenarios.py --db "$base/vf_cases"
    psql -q "$url" -c "CREATE DATABASE vf_bulletins" || fail "create database vf_bulletins"
    run_suite "bulletins/postgresql" tests/bulletins/scenarios.py --db "$base/vf_bulletins"
    psql -q "$url" -c "CREATE DATABASE vf_feed" || fail "create database vf_feed"
    run_suite "feed/postgresql" tests/bulletins/feed.py --db "$base/vf_feed"
    psql -q "$url" -c "CREATE DATABASE vf_cases_more" || fail "create database vf_cases_more"
    run_suite "cases-more/postgresql" tests/cases/more.py --db "$base/vf_cases_more"
    psql -q "$url" -c "CREATE DATABASE vf_rewards" || fail "create database vf_rewards"
    run_suite "rewards/postgresql" tests/rewards/scenarios.py --db "$base/vf_rewards"
    for dbname in fed_hub fed_provider; do
        psql -q "$url" -c "CREATE DATABASE vf_$dbname" || fail "create database vf_$dbname"
    done
    run_suite "federation/postgresql" tests/federation/run.py --hub-db "$base/vf_fed_hub" \
        --provider-db "$base/vf_fed_provider"
    for dbname in fh_hub fh_provider fh_database; do
        psql -q "$url" -c "CREATE DATABASE vf_$dbname" || fail "create database vf_$dbname"
    done
    run_suite "federation-hub/postgresql" tests/federation/hub.py --hub-db "$base/vf_fh_hub" \
        --provider-db "$base/vf_fh_provider" --database-db "$base/vf_fh_database"
    for dbname in e2e_platform e2e_provider e2e_hub e2e_database; do
        psql -q "$url" -c "CREATE DATABASE vf_$dbname" || fail "create database vf_$dbname"
    done
    run_suite "federation-e2e/postgresql" tests/federation/e2e.py \
        --platform-db "$base/vf_e2e_platform" --provider-db "$base/vf_e2e_provider" \
        --hub-db "$base/vf_e2e_hub" --database-db "$base/vf_e2e_database"
    for dbname in fp_hub fp_platform fp_provider; do
        psql -q "$url" -c "CREATE DATABASE vf_$dbname" || fail "create database vf_$dbname"
    done
    run_suite "federation-platform/postgresql" tests/federation/platform.py \
        --hub-db "$base/vf_fp_hub" --platform-db "$base/vf_fp_platform" \
        --provider-db "$base/vf_fp_provider"
else
    fail "postgresql start"
fi

printf '\n'
if [[ $failed -gt 0 ]]; then
    printf 'failures:\n'
    printf '  %s\n' "${failures[@]}"
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
