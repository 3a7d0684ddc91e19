#!/usr/bin/python3
"""Run zcp with a non-blocking pipe as standard input or output.

usage: nonblock.py in|out ZCP [ARGS...]

in:  zcp's stdin is the read end of an O_NONBLOCK pipe; 400000 bytes are
     written to it in four slow pieces, so zcp meets an empty pipe (EAGAIN).
     Prints zcp's exit status.
out: zcp's stdout is the write end of an O_NONBLOCK pipe that is read
     slowly, so zcp meets a full pipe (EAGAIN). Prints the exit status and
     the sha256 of what came through.
"""
import fcntl
import hashlib
import os
import subprocess
import sys
import time


def nonblock(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def main():
    mode, cmd = sys.argv[1], sys.argv[2:]
    r, w = os.pipe()
    if mode == "in":
        nonblock(r)
        p = subprocess.Popen(cmd, stdin=r)
        os.close(r)
        for _ in range(4):
            time.sleep(0.1)
            os.write(w, b"x" * 100000)
        os.close(w)
        print(p.wait())
    else:
        nonblock(w)
        p = subprocess.Popen(cmd, stdout=w)
        os.close(w)
        h = hashlib.sha256()
        time.sleep(0.2)
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            h.update(b)
            time.sleep(0.005)
        print(p.wait(), h.hexdigest())


if __name__ == "__main__":
    main()
