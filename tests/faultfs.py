#!/usr/bin/python3
"""A pass-through FUSE file system that fails on command.

usage: faultfs.py BACKING MOUNTPOINT CONTROL

MOUNTPOINT mirrors the directory BACKING read-write. CONTROL is a text file
read again before every read and write (it may be absent, or changed while
mounted); each line is a rule

    read  eio    NAME N    a read that reaches past byte N fails with EIO
    read  block  NAME N    a read that reaches past byte N waits while the
                           file CONTROL.hold exists, after creating the
                           file CONTROL.blocked (the test's signal that a
                           copy is caught in flight); then it is served
    write enospc NAME N    a write past byte N stops at N, then ENOSPC
    write eio    NAME N    a write past byte N stops at N, then EIO
    write corrupt NAME N   the byte at offset N reaches the backing file
                           flipped (XOR 0xff), and the write reports
                           success: storage that corrupts silently

    fsync eio    NAME 0    fsync fails with EIO (the data was written)

NAME is a path from the root of the mount ("dir/file"; "/file" matches
only that path), a bare name that matches a file of that name in any
directory, or "*" for every file (the
temporary file of an atomic copy has a name nobody knows in advance).
Lines starting with "#" are ignored. A write "stops at N": the part before
N is written and its length returned, as a nearly full disk does, so the
writer sees a short write, then the error on the next one.

Every change to a name (create, mkdir, link, rename, unlink, rmdir) is
logged, a line "OP PATH [PATH2]", to CONTROL.log: what a test can check
that a temporary file existed and is gone.

Extended attributes are not supported (ENOTSUP), nor O_TMPFILE, fallocate
and SEEK_DATA/SEEK_HOLE (the kernel answers those for a FUSE file system
that does not implement them). Runs in the foreground until unmounted.
"""
import errno
import os
import sys
import time

from fusepy import FUSE, FuseOSError, Operations

ERRORS = {"eio": errno.EIO, "enospc": errno.ENOSPC}


class FaultFS(Operations):
    use_ns = True  # times in integer nanoseconds, both ways

    def __init__(self, backing, control):
        self.root = os.path.realpath(backing)
        self.control = control

    # -- rules ---------------------------------------------------------
    def rules(self, op, path):
        """The (action, N) rules of OP that apply to PATH."""
        try:
            with open(self.control) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return []
        rel = path.lstrip("/")
        out = []
        for line in lines:
            w = line.split()
            if len(w) != 4 or w[0].startswith("#") or w[0] != op:
                continue
            name = w[2]
            if name.startswith("/"):
                hit = name == path
            else:
                hit = name in ("*", rel) or ("/" not in name and name == os.path.basename(rel))
            if hit:
                out.append((w[1], int(w[3])))
        return out

    def block(self):
        hold = self.control + ".hold"
        with open(self.control + ".blocked", "a"):
            pass
        while os.path.exists(hold):
            time.sleep(0.02)

    def log(self, *words):
        with open(self.control + ".log", "a") as f:
            f.write(" ".join(words) + "\n")

    def full(self, p):
        return os.path.join(self.root, p.lstrip("/"))

    # -- metadata ------------------------------------------------------
    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self.full(path))
        except OSError as e:
            raise FuseOSError(e.errno)
        keys = ("st_mode", "st_ino", "st_nlink", "st_uid", "st_gid", "st_size",
                "st_atime", "st_mtime", "st_ctime", "st_blocks")
        d = {k: getattr(st, k) for k in keys}
        for k in ("st_atime", "st_mtime", "st_ctime"):
            d[k] = getattr(st, k + "_ns")
        return d

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self.full(path))

    def readlink(self, path):
        return os.readlink(self.full(path))

    def statfs(self, path):
        sv = os.statvfs(self.full(path))
        return {k: getattr(sv, k) for k in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
            "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self.full(path), mode)

    def chown(self, path, uid, gid):
        # (uid_t)-1: leave it
        uid = -1 if uid in (-1, 0xFFFFFFFF) else uid
        gid = -1 if gid in (-1, 0xFFFFFFFF) else gid
        os.chown(self.full(path), uid, gid, follow_symlinks=False)

    def utimens(self, path, times=None):
        os.utime(self.full(path), ns=times, follow_symlinks=False)

    def truncate(self, path, length, fh=None):
        os.truncate(self.full(path), length)

    def getxattr(self, path, name, position=0):
        raise FuseOSError(errno.ENOTSUP)

    def listxattr(self, path):
        return []

    def setxattr(self, path, name, value, options, position=0):
        raise FuseOSError(errno.ENOTSUP)

    def removexattr(self, path, name):
        raise FuseOSError(errno.ENOTSUP)

    # -- names ---------------------------------------------------------
    def mkdir(self, path, mode):
        os.mkdir(self.full(path), mode)
        self.log("mkdir", path)

    def rmdir(self, path):
        os.rmdir(self.full(path))
        self.log("rmdir", path)

    def unlink(self, path):
        os.unlink(self.full(path))
        self.log("unlink", path)

    def symlink(self, target, source):
        os.symlink(source, self.full(target))

    def link(self, target, source):
        os.link(self.full(source), self.full(target))
        self.log("link", source, target)

    def rename(self, old, new):
        os.rename(self.full(old), self.full(new))
        self.log("rename", old, new)

    def mknod(self, path, mode, dev):
        os.mknod(self.full(path), mode, dev)

    # -- data ----------------------------------------------------------
    def open(self, path, fi):
        fi.fh = os.open(self.full(path), fi.flags & ~(os.O_CREAT | os.O_EXCL | os.O_TRUNC))
        return 0

    def create(self, path, mode, fi):
        fi.fh = os.open(self.full(path), fi.flags | os.O_CREAT, mode)
        self.log("create", path)
        return 0

    def read(self, path, size, offset, fi):
        for action, n in self.rules("read", path):
            if offset + size > n:
                if action == "eio":
                    # the kernel reads whole pages: the request fails as a
                    # whole, as a bad sector would
                    raise FuseOSError(errno.EIO)
                if action == "block":
                    self.block()
        return os.pread(fi.fh, size, offset)

    def write(self, path, data, offset, fi):
        for action, n in self.rules("write", path):
            if action == "corrupt" and offset <= n < offset + len(data):
                flipped = bytearray(data)
                flipped[n - offset] ^= 0xFF
                data = bytes(flipped)
            if action in ERRORS and offset + len(data) > n:
                if offset >= n:
                    raise FuseOSError(ERRORS[action])
                data = data[:n - offset]
        return os.pwrite(fi.fh, data, offset)

    def flush(self, path, fi):
        return 0

    def fsync(self, path, datasync, fi):
        if any(a == "eio" for a, _ in self.rules("fsync", path)):
            raise FuseOSError(errno.EIO)
        if datasync:
            os.fdatasync(fi.fh)
        else:
            os.fsync(fi.fh)
        return 0

    def release(self, path, fi):
        os.close(fi.fh)
        return 0


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: faultfs.py BACKING MOUNTPOINT CONTROL")
    backing, mnt, control = sys.argv[1:]
    # No attribute or entry caching: the backing directory may change
    # under the mount (the tests prepare files there directly). hard_remove:
    # an unlinked open file is gone at once, not renamed .fuse_hidden*.
    FUSE(FaultFS(backing, os.path.abspath(control)), mnt, foreground=True,
         nothreads=False, raw_fi=True, attr_timeout=0, entry_timeout=0,
         negative_timeout=0, use_ino=True, hard_remove=True,
         fsname="faultfs")


if __name__ == "__main__":
    main()
