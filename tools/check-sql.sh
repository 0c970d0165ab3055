#!/usr/bin/env bash
# tools/check-sql.sh - fail if SQL is assembled with printf-family calls, or lives outside store/.
#
# Rules (STYLE.md 6, DESIGN.md 5):
#  1. no printf-family call (printf, sprintf, snprintf, asprintf, buf_addf, ...) whose
#     format string contains an SQL statement keyword, anywhere in src/;
#  2. SQL statement text only in src/store/store_*.c (and the backends' fixed
#     transaction and pragma strings in src/store/db*.c);
#  3. sqlite3.h and libpq-fe.h only in src/store/db_sqlite.c and src/store/db_pg.c.
# Prints each violation as FILE:LINE: reason, and exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."

kw='(SELECT[[:space:]].*FROM|INSERT[[:space:]]+INTO|UPDATE[[:space:]]+[A-Za-z_]+[[:space:]]+SET|DELETE[[:space:]]+FROM|(CREATE|DROP|ALTER)[[:space:]]+(TABLE|INDEX)|[[:space:]]WHERE[[:space:]]|PRAGMA[[:space:]])'
printf_re='(^|[^a-zA-Z0-9_])(v?s?n?printf|v?asprintf|buf_addf|err_set|err_setn|fprintf|dprintf)[[:space:]]*\('
bad=0

# 1: a printf-family call with an SQL keyword in the same statement (joined lines)
while IFS= read -r hit; do
    echo "$hit: SQL built with a printf-family call"
    bad=1
done < <(awk -v kw="$kw" -v pr="$printf_re" '
    FNR == 1 { stmt = ""; start = 0 }
    {
        line = $0
        if (stmt == "" && line ~ pr) { stmt = line; start = FNR }
        else if (stmt != "") stmt = stmt " " line
        if (stmt != "" && line ~ /;/) {
            # look only at string literals of the call
            s = stmt; lits = ""
            while (match(s, /"([^"\\]|\\.)*"/)) { lits = lits substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH) }
            if (lits ~ kw) print FILENAME ":" start
            stmt = ""
        }
    }' $(find src -name '*.c' -o -name '*.h'))

# 2: SQL string literals outside the store layer
while IFS= read -r hit; do
    echo "$hit: SQL outside src/store/store_*.c"
    bad=1
done < <(grep -nE "\"[[:space:]]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE TABLE)[[:space:]]" \
    $(find src -name '*.c' -o -name '*.h' | grep -v '^src/store/store_' | grep -v '^src/store/db') |
    cut -d: -f1,2 || true)

# 3: database client headers outside the backends
while IFS= read -r hit; do
    echo "$hit: database client header outside its backend"
    bad=1
done < <(grep -nE '#include[[:space:]]*<(sqlite3|libpq-fe)\.h>' $(find src -name '*.c' -o -name '*.h') |
    grep -vE '^src/store/db_(sqlite|pg)\.c:' | cut -d: -f1,2 || true)

if [[ $bad -ne 0 ]]; then
    echo "check-sql: FAILED (see DESIGN.md section 5: never format values into SQL)"
    exit 1
fi
echo "check-sql: ok (no printf-built SQL; SQL only in src/store/)"
