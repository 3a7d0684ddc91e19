#!/usr/bin/env python3
"""snapshot.py DIR [times]: tree_snapshot's lines (tests/helpers.bash) in
one process: for each path under DIR, in `LC_ALL=C sort` order of find's
line, "PATH TYPE MODE UID:GID SIZE TARGET HASH GROUP [MTIME]", as find
-printf and sha256sum give them, without a process per file."""
import hashlib
import os
import stat
import sys

TYPES = {stat.S_IFREG: b"f", stat.S_IFDIR: b"d", stat.S_IFLNK: b"l", stat.S_IFIFO: b"p",
         stat.S_IFSOCK: b"s", stat.S_IFCHR: b"c", stat.S_IFBLK: b"b"}


def entries(root):
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            yield os.path.join(top, name)


def main():
    root = os.fsencode(sys.argv[1])
    times = len(sys.argv) > 2 and sys.argv[2] == "times"
    rows = []
    for path in entries(root):
        st = os.lstat(path)
        rel = b"./" + os.path.relpath(path, root)
        kind = TYPES.get(stat.S_IFMT(st.st_mode), b"?")
        target = os.readlink(path) if kind == b"l" else b""
        mtime = b"%d.%09d0" % (st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9)
        fields = [rel, kind, b"%o" % (st.st_mode & 0o7777), b"%d" % st.st_size, target,
                  b"%d" % st.st_ino, b"%d" % st.st_nlink, mtime,
                  b"%d:%d" % (st.st_uid, st.st_gid)]
        rows.append((b"\037".join(fields), path, st))
    rows.sort(key=lambda r: r[0])
    first = {}
    out = sys.stdout.buffer
    for line, path, st in rows:
        rel, kind, mode, size, target, ino, nlink, mtime, own = line.split(b"\037")
        h = b"-"
        if kind == b"f":
            with open(path, "rb") as fh:
                h = hashlib.sha256(fh.read()).hexdigest()[:16].encode()
        elif kind in (b"c", b"b"):
            h = b"%x:%x" % (os.major(st.st_rdev), os.minor(st.st_rdev))
        grp = b"-"
        if kind != b"d" and st.st_nlink > 1:
            grp = first.setdefault(ino, rel)
        if kind == b"d":
            size = b"-"
        parts = [rel, kind, mode, own, size, target, h, grp] + ([mtime] if times else [])
        out.write(b" ".join(parts) + b"\n")


main()
