#!/bin/sh
# One PostgreSQL role per service, owning only its own database (least privilege): a compromised
# service cannot read or change another's data, create databases or roles. The postgres image runs
# this once, on an empty data volume; running it again only resets the passwords and ownership.
# Passwords come from files (compose secrets): $SECRETS_DIR/postgres_<service>.
set -eu
SECRETS_DIR="${SECRETS_DIR:-/run/secrets}"
PREFIX="${ROLE_PREFIX:-}"
for service in exam accreditation certificate registry notifications; do
  role="${PREFIX}${service}"
  database="${PREFIX}iso20000_${service}"
  password="$(cat "$SECRETS_DIR/postgres_${service}")"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v role="$role" -v database="$database" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'database', :'role') \gexec
-- nobody else connects: CONNECT is granted to PUBLIC by default
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
SQL
  # The role migrates its database: it owns the public schema whatever the server's version gave it.
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname "$database" \
    -v role="$role" <<'SQL'
ALTER SCHEMA public OWNER TO :"role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL
done
