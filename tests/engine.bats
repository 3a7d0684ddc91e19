#!/usr/bin/env bats
# The engine: a tree's files copied by workers (--jobs), with the output,
# the exit status and the tree of a serial run, and of cp.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

# mk_wide DIR DIRS FILES: DIRS directories of FILES small files, sizes
# from a fixed seed (0 to 12 KiB), and a few nested levels.
mk_wide() {
	python3 - "$@" <<'EOF'
import os, random, sys
root, ndirs, nfiles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
for d in range(ndirs):
    path = os.path.join(root, *[f"n{d % 3}"] * (d % 4), f"d{d}")
    os.makedirs(path, exist_ok=True)
    for f in range(nfiles):
        with open(os.path.join(path, f"f{f}"), "wb") as fh:
            fh.write(rng.randbytes(rng.choice((0, 1, 4095, 4096, 4097, 12288))))
EOF
}

# fast_snapshot DIR: path, type, mode, size, link target, hard-link group
# and a content hash of every entry: tree_snapshot's idea, in one process.
fast_snapshot() {
	python3 - "$1" <<'EOF'
import hashlib, os, stat, sys
root = sys.argv[1].encode()
first = {}
for top, dirs, files in sorted(os.walk(root)):
    for name in sorted(dirs + files):
        p = os.path.join(top, name)
        st = os.lstat(p)
        rel = os.path.relpath(p, root)
        kind, extra = stat.S_IFMT(st.st_mode), b"-"
        if stat.S_ISREG(st.st_mode):
            with open(p, "rb") as fh:
                extra = hashlib.sha256(fh.read()).hexdigest()[:16].encode()
        elif stat.S_ISLNK(st.st_mode):
            extra = os.readlink(p)
        grp = b"-"
        if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1:
            grp = first.setdefault(st.st_ino, rel)
        size = b"-" if stat.S_ISDIR(st.st_mode) else str(st.st_size).encode()
        sys.stdout.buffer.write(b" ".join([rel, oct(st.st_mode).encode(), size, extra, grp]) + b"\n")
EOF
}

@test "--jobs=1, 2 and 8 copy a 10,000-file tree as cp -r does" {
	mount_tmpfs "$T/m" 1g
	mk_wide m/src 100 100
	cp -r m/src m/cp
	fast_snapshot m/cp >cp.snap
	[ "$(wc -l <cp.snap)" -gt 10000 ]
	for j in 1 2 8; do
		zcp -r --jobs=$j m/src m/j$j
		fast_snapshot m/j$j >j$j.snap
		diff -u cp.snap j$j.snap
		rm -rf m/j$j
	done
}

@test "the workers start only for a tree, and --stats counts their threads" {
	mk_wide src 3 20
	zcp --jobs=4 --stats=json src/d0/f1 one >s1.json
	[ "$(jq '.measured.syscalls.clone3 // 0' s1.json)" -eq 0 ]
	zcp -r --jobs=4 --stats=json src tree >s2.json
	[ "$(jq '.measured.syscalls.clone3' s2.json)" -eq 4 ]
	zcp -r --jobs=1 --stats=json src tree1 >s3.json
	[ "$(jq '.measured.syscalls.clone3 // 0' s3.json)" -eq 0 ]
	diff -r src tree
	diff -r src tree1
}

@test "-v output and --stats=json's files are the serial run's, in walk order" {
	mk_wide src 20 50
	zcp -rv --jobs=1 src s1 >v1.out 2>v1.err
	for j in 2 8; do
		rm -rf s$j
		zcp -rv --jobs=$j src s$j >v$j.out 2>v$j.err
		diff <(sed "s/'s1/'sX/" v1.out) <(sed "s/'s$j/'sX/" v$j.out)
		[ ! -s v$j.err ]
	done
	# cp's -v lines, in cp's order: the same walk.
	cp -rv src c >c.out
	diff <(sed "s/'c/'sX/" c.out) <(sed "s/'s1/'sX/" v1.out)
	zcp -r --jobs=1 --stats=json src js1 | jq -c '[.files[] | .source, .dest, .method]' >j1
	zcp -r --jobs=8 --stats=json src js8 | jq -c '[.files[] | .source, .dest, .method]' >j8
	diff <(sed 's/js1/jsX/g' j1) <(sed 's/js8/jsX/g' j8)
	[ "$(jq length j8)" -eq 3000 ]
}

# nobody_like_cp FLAG: as nobody, cp FLAG src out/c (CP_OUT: its output),
# then zcp FLAG with 1, 2 and 8 workers: exit 1, the same messages in the
# same order, the same tree.
nobody_like_cp() {
	local j
	mkdir out && chown nobody out && chmod 755 . src
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	run as_nobody cp "$1" src out/c
	[ "$status" -eq 1 ]
	CP_OUT=$output
	for j in 1 2 8; do
		run as_nobody "$ZCP" "$1" --jobs=$j src out/z$j
		[ "$status" -eq 1 ]
		diff <(sed "s#out/c#out/X#g" <<<"$CP_OUT") \
			<(sed -e "s#out/z$j#out/X#g" -e 's/^zcp:/cp:/' <<<"$output")
		diff <(cd out/c && find . | sort) <(cd out/z$j && find . | sort)
		diff -r out/c out/z$j
	done
}

@test "unreadable files in the middle: each reported once, in walk order, as cp does; the rest copied" {
	need_root
	command -v setpriv >/dev/null || skip "setpriv not installed"
	mk_wide src 10 30
	chmod -R a+rX src
	find src -name f3 -o -name f17 -path '*d5*' | while read -r f; do chmod 000 "$f"; done
	[ "$(find src -perm 000 | wc -l)" -eq 11 ]
	nobody_like_cp -r
	[ "$(grep -c 'Permission denied' <<<"$CP_OUT")" -eq 11 ]
}

@test "a directory that can be read and not searched, in the middle: cp's 'cannot stat' for its entries, no -v line for them; workers or not" {
	need_root
	command -v setpriv >/dev/null || skip "setpriv not installed"
	mk_wide src 4 5
	chmod -R a+rX src
	chmod 444 "$(find src -type d -name d2)"
	nobody_like_cp -rv
	[ "$(grep -c 'cannot stat' <<<"$CP_OUT")" -eq 5 ]
}

@test "a full file system mid-tree: exit 1, each failure said, no half file left" {
	mount_tmpfs "$T/full" 2m
	mk_wide src 8 100
	for j in 1 8; do
		run zcp -r --jobs=$j src full/z
		[ "$status" -eq 1 ]
		[[ "$output" == *"No space left on device"* ]]
		# Every file there is whole; every file missing or failed was said.
		(cd src && find . -type f) | while read -r f; do
			if [ -f "full/z/$f" ]; then
				cmp "src/$f" "full/z/$f"
			else
				grep -qF "z/${f#./}" <<<"$output" || grep -q "cannot create directory" <<<"$output"
			fi
		done
		rm -rf full/z
	done
}

@test "hard links across directories stay links with --jobs=8, as with cp -a" {
	mkdir -p src/a src/b src/c
	for i in $(seq 1 300); do
		echo "$i" >src/a/f$i
		ln src/a/f$i src/b/l$i
		[ $((i % 3)) -eq 0 ] && ln src/a/f$i src/c/m$i
	done
	cp -a src c
	zcp -a --jobs=8 src z
	diff <(tree_snapshot c times) <(tree_snapshot z times)
	[ "$(stat -c %i z/a/f300)" = "$(stat -c %i z/c/m300)" ]
	[ "$(stat -c %h z/a/f1)" -eq 2 ]
}

@test "a hard-link group is copied by its first name in walk order, as by cp: the files written through the destination's symlinks are cp's, --jobs=2 and 8" {
	# Two names of one file each; the second name's destination is a
	# symlink to a file of the user's. The first name met copies the data
	# (through a symlink, if that is where it lands), the second is
	# linked to it (the symlink replaced): who is first decides which of
	# the user's files are written. Workers claimed the groups in the
	# order they ran: some other set, one run in a few.
	mkfix() {
		rm -rf "$1" && mkdir -p "$1/s" "$1/d" "$1/v"
		for i in $(seq 1 80); do
			echo "data$i" >"$1/s/g${i}_a"
			ln "$1/s/g${i}_a" "$1/s/g${i}_b"
			echo "victim$i" >"$1/v/v$i"
			ln -s ../v/v$i "$1/d/g${i}_b"
		done
	}
	mkfix c
	(cd c && cp -a s/. d)
	# The walk order here is cp's (by inode, then as listed), so the
	# serial run is cp's too; each worker count is run three times.
	for j in 1 2 8 8 8 2 2; do
		mkfix z
		(cd z && "$ZCP" -a --jobs=$j s/. d)
		diff <(cd c && tree_snapshot .) <(cd z && tree_snapshot .)
	done
}

@test "a FIFO read as data in a tree (--copy-contents): what the workers said before is printed before its open waits, as cp prints it" {
	local try
	# The walk goes by inode: the FIFO, made last, comes last, unless an
	# inode below it was freed meanwhile (another process removing files):
	# then the fixture is made again. A worker's error on the way
	# (standard error is not buffered).
	for try in $(seq 20); do
		rm -rf s
		mkdir s
		for i in 1 2 3 4 5 6; do echo $i >s/f$i; done
		mkfifo s/p
		[ "$(ls -U -i s | sort -n | tail -1 | awk '{ print $2 }')" != p ] || break
	done
	[ "$(ls -U -i s | sort -n | tail -1 | awk '{ print $2 }')" = p ]
	mkdir -p d/f3
	"$ZCP" -r --jobs=8 --copy-contents s/. d >out 2>&1 &
	local pid=$! seen=0 st=0 i
	# zcp waits in the FIFO's open until a writer comes: the error must
	# be out by then (held back, a signal meanwhile would lose it).
	for i in $(seq 1 300); do
		if grep -q "cannot overwrite directory 'd/./f3'" out; then
			seen=1
			break
		fi
		sleep 0.1
	done
	: >s/p
	wait "$pid" || st=$?
	[ "$seen" = 1 ]
	[ "$st" = 1 ]
	[ -f d/p ] && [ ! -s d/p ]
	cmp s/f6 d/f6
}

@test "strace -f agrees with --stats for a copy with workers, threads' calls included" {
	need_plain_build
	mk_wide src 10 50
	strace -f -c -o trace.txt "$ZCP" -a --jobs=3 --stats=json src dst >s.json
	diff -r src dst
	strace_agrees trace.txt s.json
	[ "$(jq .measured.syscalls.clone3 s.json)" -eq 3 ]
	[ "$(jq '.files | length' s.json)" -eq 500 ]
}

@test "six system calls a new small file, serial or not, where it is not in a batch" {
	mk_wide src 10 100
	for j in 1 4; do
		rm -rf dst
		# (--preserve=mode: no batch, each file its own calls)
		zcp -r --preserve=mode --jobs=$j --stats=json src dst >s.json
		# open, fstat and close the source; create, write and close the copy.
		files=$(jq .measured.files s.json)
		dirs=$(find src -type d | wc -l)
		[ "$files" -eq 1000 ]
		# A directory costs a few calls of its own (make, open, list, close).
		for c in openat close newfstatat; do
			n=$(jq ".measured.syscalls.$c" s.json)
			per=2
			[ $c = newfstatat ] && per=1
			[ "$n" -ge $((per * files)) ] && [ "$n" -le $((per * files + 5 * dirs + 10)) ] ||
				fail "$c: $n calls for $files files in $dirs directories"
		done
		# the empty files take no write: one copy call at most for each
		n=$(jq '.measured.syscalls.copy_file_range' s.json)
		[ "$n" -le "$files" ]
		[ "$(jq -r '[.files[].method] | unique | join(",")' s.json)" = copy_range ]
	done
}

@test "with -r, new small files go in io_uring batches: three io_uring_enter for 32 files, serial or not" {
	uring_batch_ok || skip "no io_uring batches here: $URING_WHY"
	mk_wide src 10 100
	for j in 1 4; do
		rm -rf dst
		zcp -r --jobs=$j --stats=json src dst >s.json
		diff -r src dst
		files=$(jq .measured.files s.json)
		dirs=$(find src -type d | wc -l)
		[ "$files" -eq 1000 ]
		# 10 directories of 100 files: batches of 32, 32, 32 and 4.
		n=$(jq .measured.syscalls.io_uring_enter s.json)
		[ "$n" -eq $((3 * 4 * 10)) ] || fail "io_uring_enter: $n for $files files"
		# No call of a file's own: a directory's (make, open, list, close).
		for c in openat close newfstatat read write copy_file_range; do
			n=$(jq ".measured.syscalls.$c // 0" s.json)
			[ "$n" -le $((5 * dirs + 10)) ] || fail "$c: $n calls for $files files in $dirs directories"
		done
		# Each file: two opens and two closes, a statx, a read, a write.
		[ "$(jq .measured.io_uring_sqes.openat s.json)" -eq $((2 * files)) ]
		[ "$(jq .measured.io_uring_sqes.statx s.json)" -eq "$files" ]
		[ "$(jq -r '[.files[].method] | unique | join(",")' s.json)" = uring_batch ]
		[ "$(jq '[.files[].syscalls_total] | add' s.json)" -eq 0 ]
	done
}

@test "peak memory stays under 32 MiB for a 20,000-file tree" {
	mount_tmpfs "$T/m" 1g
	mk_wide m/src 200 100
	/usr/bin/time -f %M -o rss "$ZCP" -r m/src m/dst
	[ "$(cat rss)" -le 32768 ] || fail "peak RSS $(cat rss) KiB"
}

@test "--jobs and ZCP_JOBS take 1 to 64; a bad one is cp's usage error" {
	run zcp --jobs=0 a b
	assert_failure 1
	assert_output "zcp: invalid number of jobs '0' for --jobs (1 to 64)
Try 'zcp --help' for more information."
	run zcp --jobs=65 a b
	assert_failure 1
	ZCP_JOBS=x run zcp a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid number of jobs 'x' for ZCP_JOBS (1 to 64)"
	echo hi >a
	ZCP_JOBS=3 run zcp -r --stats=json a b
	assert_success
}

@test "-i asks in walk order (serial), and --explain is a serial run's" {
	mk_wide src 2 5
	mkdir -p dst && cp -r src/. dst/
	for j in 1 8; do
		bash -c "yes n | '$ZCP' -ri --jobs=$j src/. dst 2>&1 >/dev/null" >ask$j
	done
	diff ask1 ask8
	[ "$(grep -o overwrite ask8 | wc -l)" -eq 10 ]
	zcp -r --explain --jobs=1 src e1 | sed 's/e1/eX/g' >x1
	zcp -r --explain --jobs=8 src e8 | sed 's/e8/eX/g' >x8
	diff x1 x8
}

@test "a thousand short tree copies: none hangs (the workers' stop is never lost)" {
	mkdir -p dir1 && touch dir1/file
	for i in $(seq 1 1000); do
		rm -rf d2 && mkdir d2
		timeout 10 "$ZCP" -R --jobs=2 dir1/ d2 || fail "run $i: status $?"
	done
	[ -f d2/dir1/file ]
}

@test "tight limits (ulimit -n 16 or 64, ulimit -v 20000) with many workers: fewer workers, every file copied, as cp copies them" {
	mkdir -p src
	for d in 1 2 3 4 5; do
		mkdir src/d$d
		for f in $(seq 1 100); do head -c $((f * 97)) /dev/urandom >src/d$d/f$f; done
	done
	local lims=("-n 16" "-n 64" "-v 20000")
	# (A sanitizer's runtime cannot even load in 20 MB of address space.)
	[ -z "${ZCP_SANITIZE:-}" ] || lims=("-n 16" "-n 64")
	for lim in "${lims[@]}"; do
		rm -rf dst
		run bash -c "ulimit $lim; ZCP_JOBS=64 '$ZCP' -r src dst"
		[ "$status" -eq 0 ] || { echo "ulimit $lim: $output"; false; }
		[ -z "$output" ]
		diff -r src dst
	done
}

@test "--atomic under ulimit -f: a file too large is an error, the copy goes on (SIGXFSZ ignored)" {
	mkdir -p src/d
	mkrand src/d/big 100000
	echo x >src/d/small
	run bash -c "ulimit -f 4; ZCP_JOBS=1 '$ZCP' -a --atomic src dst"
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: error copying 'src/d/big' to 'dst/d/big': File too large" ]
	cmp src/d/small dst/d/small
	[ ! -e dst/d/big ]
	[ "$(stat -c %a dst/d)" = "$(stat -c %a src/d)" ]
	run bash -c "ulimit -f 4; '$ZCP' --atomic src/d/big one"
	[ "$status" -eq 1 ]
	[ ! -e one ]
}
