#!/usr/bin/env python3
"""Randomized differential test of zcp against GNU cp.

Each case builds one random small tree twice (in C and in Z, two fresh
directories on one file system type), draws a random command line from
cp's options (legal and illegal mixes, abbreviations), runs `cp ARGS` in
C and `zcp ARGS` in Z, and compares exit status, stdout, stderr (program
name normalised) and the trees: type, mode, owner, size, content, link
target, device numbers, hard-link groups, xattrs, and whether each mtime
is the fixture's (kept) or new.

    cpdiff_gen.py --zcp ZCP --c DIR --z DIR [--seed S] [--cases N] [--case I]

Prints one line per failing case with its reproducer, then the
differences; exits 1 if any case failed.
"""
import argparse
import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys

FIXED = 1600000000  # every fixture time; a copy that keeps times keeps it
SIZES = [0, 1, 4095, 4096, 4097]

# cp 9.1's options (this machine's oracle). Not drawn, and why:
#   --update=WORD, --keep-directory-symlink, --debug: cp 9.1 lacks them
#     (9.5's none-fail and keep-directory-symlink are in cp_options.bats);
#   abbreviations that cp 9.2+ shares with --debug (--d, --de): ambiguous
#     in zcp as in cp 9.2, listed in README's differences;
#   --preserve=context: cp refuses it without SELinux, zcp ignores it
#     (README's differences).
OPTIONS = [
    "-a", "-b", "--backup=simple", "--backup=numbered", "--backup=existing",
    "--backup=none", "--backup=bogus", "-d", "-f", "-i", "-H", "-L", "-n", "-P",
    "-p", "--preserve=mode", "--preserve=timestamps", "--preserve=ownership",
    "--preserve=links", "--preserve=xattr", "--preserve=all", "--pres=mo,ti",
    "--no-preserve=mode", "--no-preserve=timestamps", "--no-preserve=all",
    "--parents", "-R", "-r", "--recur", "--reflink=auto", "--reflink=never",
    "--remove-destination", "--remove", "--sparse=auto", "--sparse=always",
    "--sparse=never", "--sparse=al", "-S", "--suffix=.bak", "--suff=.x",
    "-S''", "-T", "--no-t", "-u", "--update", "-v", "--verb",
    "--attributes-only", "--copy-contents", "-l", "-s", "-x",
    "--strip-trailing-slashes", "-Z", "--context", "--no", "--re", "--a",
    "--bogus", "-Q", "--verbose=1",
]


def build(rng, root):
    """A random tree in root; the same rng state gives the same tree."""
    os.makedirs(root, exist_ok=True)
    names = []  # top-level names, for operands
    files = []

    def mkfile(path):
        size = rng.choice(SIZES)
        with open(path, "wb") as f:
            f.write(bytes((i * 7 + len(path)) & 0xFF for i in range(size)))
        os.chmod(path, rng.choice([0o644, 0o600, 0o755, 0o444, 0o640]))
        if rng.random() < 0.2:
            os.chown(path, 1000, 1000)
        if rng.random() < 0.2:
            os.setxattr(path, "user.t", b"v" + str(size).encode())
        files.append(path)

    for i in range(rng.randint(1, 3)):
        mkfile(os.path.join(root, "f%d" % i))
        names.append("f%d" % i)
    for i in range(rng.randint(0, 2)):
        d = os.path.join(root, "d%d" % i)
        os.makedirs(os.path.join(d, "s"))
        names.append("d%d" % i)
        for j in range(rng.randint(0, 2)):
            mkfile(os.path.join(d, "g%d" % j))
        if rng.random() < 0.5:
            mkfile(os.path.join(d, "s", "h"))
        if rng.random() < 0.3:
            os.mkfifo(os.path.join(d, "p"))  # only inside directories
        if rng.random() < 0.3:
            os.chmod(d, rng.choice([0o755, 0o700, 0o555]))
    # symlinks: relative, absolute, dangling (never to a FIFO)
    for i in range(rng.randint(0, 3)):
        kind = rng.choice(["rel", "abs", "dangling", "dir"])
        target = {"rel": rng.choice(names), "abs": os.path.join(root, rng.choice(names)),
                  "dangling": "nowhere", "dir": "d0"}[kind]
        os.symlink(target, os.path.join(root, "l%d" % i))
        names.append("l%d" % i)
    # hard links
    if files and rng.random() < 0.4:
        os.link(rng.choice(files), os.path.join(root, "h0"))
        names.append("h0")
    # an existing destination tree overlapping the source
    if rng.random() < 0.6:
        dst = os.path.join(root, "dst")
        os.mkdir(dst)
        for n in rng.sample(names, min(len(names), rng.randint(0, 3))):
            if rng.random() < 0.5:
                with open(os.path.join(dst, n), "w") as f:
                    f.write("existing\n")
            else:
                os.mkdir(os.path.join(dst, n))
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for n in dirnames + filenames:
            os.utime(os.path.join(dirpath, n), (FIXED, FIXED), follow_symlinks=False)
    return names


def command(rng, names):
    args = rng.sample(OPTIONS, rng.choice([0, 1, 1, 2, 2, 3, 4]))
    args = [a for a in args if a != "-S''"] + (["-S", ""] if "-S''" in args else [])
    if "-S" in args and args.count("-S") == 1 and args[-1] == "-S":
        args.append(".s")
    ops = rng.sample(names, min(len(names), rng.randint(1, 3)))
    ops = [o + "/" if rng.random() < 0.1 else o for o in ops]
    if rng.random() < 0.1:
        ops.append("missing")
    dest = rng.choice(["dst", "new", "dst", names[0], "dst/"])
    if rng.random() < 0.15:
        return args + ["-t", dest] + ops
    if rng.random() < 0.1:  # options after operands
        return ops + [dest] + args
    if rng.random() < 0.05:  # "--" ends the options
        return args + ["--"] + ops + [dest]
    return args + ops + [dest]


BACKUP_OPTS = ("-b", "--backup", "-S", "--suffix", "--suff")


def excluded(args, root):
    """Cases left out, each for a reason (README's "Differences from cp")."""
    has_fifo = any(os.path.exists(os.path.join(root, "d%d" % i, "p")) for i in range(2))
    # cp would read a FIFO with no writer and block.
    if has_fifo and "--copy-contents" in args:
        return True
    # cp 9.1's bug, fixed in 9.2 (NEWS: "'mv --backup=simple f d/' no
    # longer mistakenly backs up d/f to f~"): backups into a directory.
    if any(a.startswith(BACKUP_OPTS) for a in args) and (
            "-t" in args or os.path.isdir(os.path.join(root, args[-1]))):
        return True
    # A deliberate difference (README): cp -u links a skipped file's hard
    # links to it even without --preserve=links, replacing newer files;
    # zcp does that only where links are preserved.
    if any(a in args for a in ("-u", "--update")) and not any(
            a in args for a in ("-a", "-d", "--preserve=links", "--preserve=all")):
        return True
    return False


def snapshot(root):
    out = []
    first = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in sorted(dirnames + filenames):
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            t = stat.S_IFMT(st.st_mode)
            extra = ""
            if stat.S_ISREG(t):
                with open(p, "rb") as f:
                    extra = hashlib.sha256(f.read()).hexdigest()[:12]
                extra += " size=%d" % st.st_size
            elif stat.S_ISLNK(t):
                extra = os.readlink(p).replace(root, "<ROOT>")
            elif stat.S_ISCHR(t) or stat.S_ISBLK(t):
                extra = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
            group = ""
            if not stat.S_ISDIR(t) and st.st_nlink > 1:
                group = "link=" + first.setdefault(st.st_ino, rel)
            xattrs = ""
            if not stat.S_ISLNK(t):
                try:
                    xattrs = ",".join("%s=%r" % (k, os.getxattr(p, k, follow_symlinks=False))
                                      for k in sorted(os.listxattr(p, follow_symlinks=False)))
                except OSError:
                    xattrs = "?"
            mtime = "kept" if int(st.st_mtime) == FIXED else "new"
            mode = "-" if stat.S_ISLNK(t) else "%o" % stat.S_IMODE(st.st_mode)
            out.append("%s %o %s %d:%d %s %s %s %s" % (rel, t >> 12, mode, st.st_uid, st.st_gid,
                                                      extra, group, xattrs, mtime))
    return out


def listing_orders(root):
    """Each directory's entries in getdents order: where the two sides
    differ, the order of -v lines and messages may too."""
    res = []
    for dirpath, dirnames, filenames in os.walk(root):
        res.append((os.path.relpath(dirpath, root), os.listdir(dirpath)))
    return sorted(res)


def run(prog, args, cwd, root, posix):
    env = dict(os.environ, LC_ALL="C")
    env.pop("POSIXLY_CORRECT", None)
    if posix:
        env["POSIXLY_CORRECT"] = "1"
    try:
        r = subprocess.run([prog] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=20, env=env)
        rc, out, err = r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        rc, out, err = "timeout", "", ""
    name = os.path.basename(prog)
    err = err.replace(root, "<ROOT>")
    out = out.replace(root, "<ROOT>")
    lines = []
    for line in err.splitlines():
        if line.startswith(name + ": "):
            line = "cp: " + line[len(name) + 2:]
        # an -i prompt has no newline: the next message follows it
        line = line.replace("? %s: " % name, "? cp: ")
        lines.append(line.replace("Try '%s --help'" % name, "Try 'cp --help'"))
    return rc, out.splitlines(), lines


def one_case(seed, i, zcp, cdir, zdir):
    rng_state = random.Random("%d:%d" % (seed, i))
    for d in (cdir, zdir):
        for n in os.listdir(d):
            p = os.path.join(d, n)
            if os.path.isdir(p) and not os.path.islink(p):
                for dp, dn, fn in os.walk(p):
                    os.chmod(dp, 0o755)
                shutil.rmtree(p)
            else:
                os.unlink(p)
    # One tree per side from the same draw: the same names, same order.
    names = None
    for d in (cdir, zdir):
        rng = random.Random("%d:%d" % (seed, i))
        names = build(rng, d)
    args = command(rng, names)
    if excluded(args, cdir):
        return None
    same_order = listing_orders(cdir) == listing_orders(zdir)
    # Sometimes with POSIXLY_CORRECT: options stop at the first operand.
    posix = rng.random() < 0.1
    c = run("cp", args, cdir, cdir, posix)
    z = run(zcp, args, zdir, zdir, posix)
    diffs = []
    if c[0] != z[0]:
        diffs.append("exit status: cp %s, zcp %s" % (c[0], z[0]))
    for what, a, b in (("stdout", c[1], z[1]), ("stderr", c[2], z[2])):
        if (a if same_order else sorted(a)) != (b if same_order else sorted(b)):
            diffs.append("%s:\n  cp:  %s\n  zcp: %s" % (what, "\n       ".join(a), "\n       ".join(b)))
    sc, sz = snapshot(cdir), snapshot(zdir)
    if sc != sz:
        only_c = [x for x in sc if x not in sz]
        only_z = [x for x in sz if x not in sc]
        diffs.append("tree:\n  cp:  %s\n  zcp: %s" % ("\n       ".join(only_c), "\n       ".join(only_z)))
    del rng_state
    return (posix, args), diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zcp", required=True)
    ap.add_argument("--c", required=True)
    ap.add_argument("--z", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--case", type=int, default=None)
    a = ap.parse_args()
    cases = [a.case] if a.case is not None else range(a.cases)
    failed = 0
    ran = 0
    for i in cases:
        r = one_case(a.seed, i, a.zcp, a.c, a.z)
        if r is None:
            continue
        ran += 1
        args, diffs = r
        if diffs:
            failed += 1
            posix, args = args
            print("FAIL: SEED=%d CASE=%d bats tests/cpdiff.bats   # %scp %s" % (
                a.seed, i, "POSIXLY_CORRECT=1 " if posix else "",
                " ".join(repr(x) if (not x or " " in x) else x for x in args)))
            for d in diffs:
                print("  " + d.replace("\n", "\n  "))
    print("%d cases run, %d failed" % (ran, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
