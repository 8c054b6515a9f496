#!/usr/bin/env bash
# Start a throw-away PostgreSQL on 127.0.0.1 for the store tests, unless GONGKAI_TEST_PG_URL is set already.
# Sourced by scripts/test.sh: exports GONGKAI_TEST_PG_URL and stops the server when the caller exits.
if [ -n "${GONGKAI_TEST_PG_URL:-}" ]; then
  return 0 2>/dev/null || exit 0
fi
if [ ! -d /usr/lib/postgresql ] || [ "$(id -u)" != "0" ] || ! id postgres >/dev/null 2>&1; then
  echo "注意：没有可用的 PostgreSQL（需要 root 和 postgresql 软件包）；PostgreSQL 测试会被跳过并列出。" >&2
  return 0 2>/dev/null || exit 0
fi
PGVER=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
PGBIN=/usr/lib/postgresql/$PGVER/bin
PGDATA=$(mktemp -d /tmp/gongkai-pg.XXXXXX)
PGPORT=${GONGKAI_PG_PORT:-54329}
chown postgres:postgres "$PGDATA"
su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres >/dev/null"
su postgres -c "$PGBIN/pg_ctl -D $PGDATA -o '-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp' -l $PGDATA/log -w start >/dev/null"
trap 'su postgres -c "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1 || true; rm -rf "$PGDATA"' EXIT
su postgres -c "psql -h 127.0.0.1 -p $PGPORT -U postgres -c 'CREATE DATABASE gongkai_test'" >/dev/null
export GONGKAI_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/gongkai_test"
echo "PostgreSQL 已在 127.0.0.1:$PGPORT 启动（测试结束后停止）。"
