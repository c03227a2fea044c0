# Shared by the long runs in test/long/: reuse scripts/lib.sh (packages,
# build, throwaway cluster, sandbox) and add a few helpers.  Sourced.

LONG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/lib.sh
. "$LONG_DIR/../../scripts/lib.sh"

# Install, build, temporary directory (with the cleanup trap).
long_prepare() {
    clio_install_packages
    clio_pg_bindir
    clio_build
    clio_setup_tmp
}

# psql on the throwaway cluster: unaligned, tuples only, stop on error.
long_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -At -d "${LONG_DB:-postgres}" "$@"
}

# The sandbox's admin API: long_sbx METHOD PATH [JSON BODY]
long_sbx() {
    local method=$1 path=$2 body=${3:-}
    if [ -n "$body" ]; then
        curl -sS --fail -X "$method" -H 'Content-Type: application/json' \
            --data-binary "$body" "$CLIO_SANDBOX_URL$path"
    else
        curl -sS --fail -X "$method" "$CLIO_SANDBOX_URL$path"
    fi
}

long_now() { date +%s.%N; }
long_elapsed() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }

# Lines of the server log that mean a backend died or the server restarted.
long_crash_lines() {
    grep -E "terminated by signal|server process .* was terminated|server process .* exited with exit code [^0]|terminating any other active server processes|all server processes terminated|database system was interrupted|database system was not properly shut down|reinitializing" \
        "$CLIO_PGLOG" 2>/dev/null
}

# The extension, a server on the sandbox and its user mapping, in the
# current database; extra server options as "name 'value', ...".
long_create_server() {
    local extra=${1:-}
    long_psql <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS clio_fdw;
CREATE SERVER clio FOREIGN DATA WRAPPER clio_fdw
    OPTIONS (base_url '$CLIO_SANDBOX_URL'${extra:+, $extra});
CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (api_key '$CLIO_SANDBOX_KEY');
CREATE SCHEMA clio;
IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO clio;
SQL
}
