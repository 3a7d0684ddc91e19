#!/usr/bin/env python3
"""lease.py FILE: hold a write lease on FILE (fcntl F_SETLEASE) until an
open by another process breaks it, then let it go 0.3 s later, as a
Samba or NFS server would. Prints "held" once the lease is taken, and
"broken" (or "timeout" after 20 s with no open) when it lets go."""
import fcntl
import os
import signal
import sys
import time

F_SETLEASE = 1024
fd = os.open(sys.argv[1], os.O_RDONLY)
broken = []
signal.signal(signal.SIGIO, lambda s, f: broken.append(1))
fcntl.fcntl(fd, F_SETLEASE, fcntl.F_WRLCK)
print("held", flush=True)
end = time.time() + 20
while not broken and time.time() < end:
    time.sleep(0.05)
time.sleep(0.3)
fcntl.fcntl(fd, F_SETLEASE, fcntl.F_UNLCK)
print("broken" if broken else "timeout", flush=True)
