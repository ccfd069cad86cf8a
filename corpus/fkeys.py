"""Foreign keys from links, figures and clusters.canonical to documents(key).

New databases get them from schema.sql. SQLite cannot add a constraint to a table, so an
older database has those tables rebuilt once, when opened: same columns, same rows, same
indexes and triggers, plus the REFERENCES clauses (the "generalised ALTER TABLE" procedure of
the SQLite documentation). A row pointing at no document is not lost: it moves to
`<table>_orphans` and the open logs a warning. Idempotent: a database that has the keys is
only read.
"""

from __future__ import annotations

import logging
import re
import sqlite3

log = logging.getLogger(__name__)

# table -> columns that hold a documents.key
WANTED: dict[str, tuple[str, ...]] = {
    "links": ("a", "b"),
    "figures": ("doc",),
    "clusters": ("canonical",),
}
PARENT = ("documents", "key")


def missing(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Columns of WANTED without their foreign key, by table."""
    out = {}
    for table, columns in WANTED.items():
        have = {
            (r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")
        }  # (from, parent table, parent column)
        lacking = tuple(c for c in columns if (c, *PARENT) not in have)
        if lacking:
            out[table] = lacking
    return out


def ensure_foreign_keys(conn: sqlite3.Connection) -> None:
    """Add the foreign keys an older database lacks (the connection must be in autocommit)."""
    if not missing(conn):
        return
    # Rebuilding `clusters` drops it while documents.cluster_id refers to it: enforcement
    # must be off, and that pragma is a no-op inside a transaction.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            todo = missing(conn)  # another process may have done it while we waited
            for table, columns in todo.items():
                _rebuild(conn, table, columns)
            moved = {t: _move_orphans(conn, t) for t in todo}
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    for table, count in moved.items():
        if count:
            log.warning(
                "%d rows of %s named no stored document: moved to %s_orphans", count, table, table
            )
    if todo:
        log.info("foreign keys added to %s", ", ".join(todo))


def _rebuild(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> None:
    sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()[0]
    for column in columns:
        # the column's definition up to the comma or end of line that closes it
        pattern = re.compile(rf"(^\s*{column}\s+TEXT(?:\s+NOT\s+NULL)?)(?=\s*(,|\n|\)|--))", re.M)
        sql, n = pattern.subn(rf"\1 REFERENCES {PARENT[0]}({PARENT[1]})", sql, count=1)
        if n != 1:
            raise RuntimeError(f"cannot find column {column} in the schema of {table}: {sql}")
    # the comments of schema 1 had the direction of links backwards
    sql = sql.replace("(the newer document)", "(the earlier report)")
    sql = sql.replace("(the existing document)", "(the later report)")
    new = f"{table}__fk_new"
    sql, n = re.subn(
        rf'^CREATE TABLE\s+(IF NOT EXISTS\s+)?"?{table}"?', f"CREATE TABLE {new}", sql, count=1
    )
    if n != 1:
        raise RuntimeError(f"unexpected schema of {table}: {sql}")
    extras = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ?"
            " AND sql IS NOT NULL",
            (table,),
        )
    ]
    cols = ", ".join(f'"{r[1]}"' for r in conn.execute(f"PRAGMA table_info({table})"))
    conn.execute(sql)
    conn.execute(f"INSERT INTO {new} ({cols}) SELECT {cols} FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for statement in extras:  # dropped with the old table
        conn.execute(statement)


def _move_orphans(conn: sqlite3.Connection, table: str) -> int:
    rowids = [r[1] for r in conn.execute(f"PRAGMA foreign_key_check({table})")]
    if not rowids:
        return 0
    if table == "clusters":
        # a cluster row must stay (documents point at it); its dangling pointer goes
        conn.executemany(
            "UPDATE clusters SET canonical = NULL WHERE rowid = ?", [(r,) for r in rowids]
        )
        return len(rowids)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {table}_orphans AS SELECT * FROM {table} WHERE 0")
    for rowid in set(rowids):
        conn.execute(f"INSERT INTO {table}_orphans SELECT * FROM {table} WHERE rowid = ?", (rowid,))
        conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
    return len(set(rowids))
