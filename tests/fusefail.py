#!/usr/bin/python3
"""A one-file FUSE file system whose file claims more than it can read.

usage: fusefail.py BACKING MOUNTPOINT GOOD SIZE

MOUNTPOINT/file reports SIZE bytes (st_size) and serves the first GOOD bytes
of BACKING; a read that reaches past GOOD fails with EIO. To an mmap of the
file that is a page the kernel cannot fill, hence SIGBUS: the deterministic
way to test what zcp's mmap method does with a source that shrinks under it.
Runs in the foreground until unmounted.
"""
import errno
import os
import stat
import sys

from fusepy import FUSE, FuseOSError, Operations


class FailFS(Operations):
    def __init__(self, backing, good, size):
        self.fd = os.open(backing, os.O_RDONLY)
        self.good = good
        self.size = size

    def getattr(self, path, fh=None):
        if path == "/":
            return {"st_mode": stat.S_IFDIR | 0o755, "st_nlink": 2}
        if path != "/file":
            raise FuseOSError(errno.ENOENT)
        return {"st_mode": stat.S_IFREG | 0o644, "st_nlink": 1, "st_size": self.size,
                "st_blocks": (self.size + 511) // 512}

    def readdir(self, path, fh):
        return [".", "..", "file"]

    def open(self, path, flags):
        if path != "/file":
            raise FuseOSError(errno.ENOENT)
        return 0

    def read(self, path, size, offset, fh):
        # The kernel reads whole pages: a request that reaches past the
        # good part fails as a whole, as a bad sector would.
        if offset + size > self.good and offset < self.size:
            raise FuseOSError(errno.EIO)
        return os.pread(self.fd, size, offset)


def main():
    backing, mnt, good, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    FUSE(FailFS(backing, good, size), mnt, foreground=True, nothreads=True, ro=True)


if __name__ == "__main__":
    main()
