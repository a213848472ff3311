#!/usr/bin/env python3
"""Generate the bench population once, for every system under test.

usage: mkusers.py COUNT DOMAIN OUTDIR

Writes three files into OUTDIR, all describing the same COUNT users
(u000000, u000001, ...) with the same passwords:

  sipp-users.csv        SIPp injection file (-inf), read SEQUENTIAL:
                          user;[authentication username=user password=pw];
                        The whole [authentication ...] keyword sits in the
                        second field because SIPp 3.6 does not expand [fieldN]
                        inside another keyword; it does expand keywords that
                        come from an injection file.
  kamailio-auth.sqlite  subscriber table for Kamailio's auth_db over
                        db_sqlite, with HA1 = MD5(user:realm:password)
                        precomputed (calculate_ha1 = 0).
  centrexd-import.csv   domain,username,password lines for centrexd --import
                        (the digest realm is the domain).

Standard library only.
"""
import hashlib
import os
import sqlite3
import sys


def password(i: int) -> str:
    # deterministic, different for every user, not guessable from the name alone
    return "s%05x-%04d" % ((i * 2654435761) & 0xFFFFF, (i * 7 + 13) % 10000)


def main() -> int:
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    count, domain, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    users = [("u%06d" % i, password(i)) for i in range(count)]

    with open(os.path.join(out, "sipp-users.csv"), "w") as f:
        f.write("SEQUENTIAL\n")
        for u, p in users:
            f.write("%s;[authentication username=%s password=%s];\n" % (u, u, p))

    with open(os.path.join(out, "centrexd-import.csv"), "w") as f:
        for u, p in users:
            f.write("%s,%s,%s\n" % (domain, u, p))

    dbf = os.path.join(out, "kamailio-auth.sqlite")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(dbf + suffix):
            os.remove(dbf + suffix)
    db = sqlite3.connect(dbf)
    # Only the columns auth_db reads; table versions as Kamailio 5.6 expects.
    db.executescript(
        """
        CREATE TABLE version (
            id INTEGER PRIMARY KEY NOT NULL,
            table_name VARCHAR(32) NOT NULL UNIQUE,
            table_version INTEGER DEFAULT 0 NOT NULL);
        INSERT INTO version (table_name, table_version) VALUES ('version', 1);
        INSERT INTO version (table_name, table_version) VALUES ('subscriber', 7);
        CREATE TABLE subscriber (
            id INTEGER PRIMARY KEY NOT NULL,
            username VARCHAR(64) DEFAULT '' NOT NULL,
            domain VARCHAR(64) DEFAULT '' NOT NULL,
            password VARCHAR(64) DEFAULT '' NOT NULL,
            ha1 VARCHAR(128) DEFAULT '' NOT NULL,
            ha1b VARCHAR(128) DEFAULT '' NOT NULL,
            UNIQUE (username, domain));
        """
    )

    def md5(s: str) -> str:
        return hashlib.md5(s.encode()).hexdigest()

    db.executemany(
        "INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (?, ?, ?, ?, ?)",
        (
            (u, domain, p, md5("%s:%s:%s" % (u, domain, p)),
             md5("%s@%s:%s:%s" % (u, domain, domain, p)))
            for u, p in users
        ),
    )
    db.commit()
    db.close()
    print("%d users of %s -> %s" % (count, domain, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
