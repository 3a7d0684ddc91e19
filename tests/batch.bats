#!/usr/bin/env bats
# io_uring batches of new small files (src/batch.c): the copies are cp's,
# byte for byte, with cp's modes, messages and exit status, serial or with
# workers; what a batch may not take goes the usual way, and a failure on
# the way leaves nothing behind that cp would not.

load helpers

setup() {
	zcp_setup
	uring_batch_ok || skip "no io_uring batches here: $URING_WHY"
}
teardown() { zcp_teardown; }

# mk_mixed DIR: small files around the batch's buffer (32 KiB), and what a
# batch must leave to the usual way: a hard link (-r copies it as a file of
# its own), a symlink, a FIFO, a file with a hole, bigger files; modes with
# the set-user-ID, set-group-ID and sticky bits, and none.
mk_mixed() {
	local i s
	mkdir -p "$1/a" "$1/b/c"
	for i in $(seq 0 40); do head -c $((i * 997)) /dev/urandom >"$1/a/f$i"; done
	for s in 0 1 4095 4096 32767 32768 32769 70000; do
		head -c $s /dev/urandom >"$1/b/s$s"
	done
	ln "$1/a/f3" "$1/a/hard"
	ln -s f4 "$1/a/sym"
	mkfifo "$1/b/fifo"
	truncate -s 20000 "$1/b/sparse"
	echo tail >>"$1/b/sparse"
	chmod 751 "$1/a/f5"
	chmod 4755 "$1/a/f6"
	chmod 2711 "$1/a/f7"
	chmod 000 "$1/a/f8"
	chmod 1644 "$1/a/f9"
	for i in $(seq 0 70); do echo "$i" >"$1/b/c/n$i"; done
}

# same_tree A B: the same files, byte for byte (diff -r: FIFOs left aside).
same_tree() {
	local out
	out=$(diff -r --no-dereference "$1" "$2" 2>&1 | grep -v "is a fifo while" || true)
	[ -z "$out" ] || fail "$1 and $2 differ: $out"
}

@test "-r: the tree, its modes and its bytes are cp's, under three umasks, with 1, 2 and 8 workers" {
	local u j
	mk_mixed src
	for u in 022 077 000; do
		rm -rf c
		(umask $u && cp -r src c)
		for j in 1 2 8; do
			rm -rf z
			(umask $u && "$ZCP" -r --jobs=$j src z)
			diff <(tree_snapshot c) <(tree_snapshot z) || fail "umask $u, --jobs=$j"
		done
	done
}

@test "--stats=json: the small plain files went in batches, the others the usual way" {
	mk_mixed src
	for j in 1 8; do
		rm -rf z
		zcp -r --jobs=$j --stats=json src z >s.json
		same_tree src z
		# a/f0..f32 and the hard link, b's 0, 1, 4095, 4096 and 32767,
		# b/c's 71: under 32 KiB, regular, no hole.
		[ "$(jq '[.files[] | select(.method == "uring_batch")] | length' s.json)" -eq 110 ]
		for f in src/a/f33 src/b/s32768 src/b/s70000 src/b/sparse; do
			[ "$(jq -r --arg f "$f" '.files[] | select(.source == $f) | .method' s.json)" != uring_batch ] ||
				fail "$f went in a batch"
		done
		# The bytes are those of the same copy without batches (holes
		# are not copied, so not counted).
		rm -rf p
		zcp -r --preserve=mode --stats=json src p >p.json
		for k in bytes_copied bytes_memcpy files; do
			[ "$(jq .measured.$k s.json)" -eq "$(jq .measured.$k p.json)" ] || fail "$k"
		done
		# ... but a batch's go out to user space and back in (read,
		# write), where copy_file_range kept them in the kernel; and a
		# file the batch read and left had its first 32 KiB read.
		b=$(jq '[.files[] | select(.method == "uring_batch") | .bytes_copied] | add' s.json)
		[ "$(jq '[.files[] | select(.method == "uring_batch") | .bytes_user_kernel] | add' s.json)" -eq $((2 * b)) ]
		left=0
		while read -r f; do
			size=$(stat -c %s "$f")
			left=$((left + (size < 32768 ? size : 32768)))
		done < <(jq -r '.files[] | select(.method != "uring_batch") | .source' s.json)
		[ "$(jq .measured.bytes_user_kernel s.json)" -eq "$(($(jq .measured.bytes_user_kernel p.json) + 2 * b + left))" ]
	done
}

@test "--stats counts what strace -f -c sees, batches and workers included" {
	need_plain_build
	mk_mixed src
	for j in 1 2; do
		rm -rf z
		strace -f -c -o trace.txt "$ZCP" -r --jobs=$j --stats=json src z >s.json
		strace_agrees trace.txt s.json
		[ "$(jq .measured.syscalls.io_uring_enter s.json)" -gt 0 ]
	done
}

@test "-v lines, messages and exit status are cp's, as nobody with unreadable files in a batch" {
	local j
	mkdir src out
	for i in $(seq 1 50); do echo "$i" >src/f$i; done
	chmod 000 src/f7 src/f40
	chown nobody out
	chmod 755 . src
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	as_nobody cp -rv src out/c >c.out 2>c.err && fail "cp succeeded"
	for j in 1 2 8; do
		as_nobody "$ZCP" -rv --jobs=$j src out/z$j >z.out 2>z.err && fail "zcp succeeded"
		diff <(sed 's#out/c#out/X#' c.out) <(sed "s#out/z$j#out/X#" z.out)
		diff <(sed 's#out/c#out/X#' c.err) <(sed -e "s#out/z$j#out/X#" -e 's/^zcp:/cp:/' z.err)
		diff <(tree_snapshot out/c) <(tree_snapshot out/z$j)
	done
}

@test "a write the file size limit stops (EFBIG): named, exit 1, no part of a copy left" {
	local j f
	mkdir src
	for i in $(seq 1 40); do head -c $((i * 500)) /dev/urandom >src/f$i; done
	# ulimit -f counts 1024-byte blocks: files over 8 KiB fail. (cp dies
	# of SIGXFSZ there; zcp takes it as an error, EFBIG.)
	for j in 1 2 8; do
		rm -rf z
		(ulimit -f 8 && "$ZCP" -r --jobs=$j src z) 2>z.err && fail "zcp succeeded"
		for f in src/*; do
			if [ "$(stat -c %s "$f")" -le 8192 ]; then
				cmp "$f" "z/${f#src/}"
			else
				[ ! -e "z/${f#src/}" ] || fail "z/${f#src/} left"
				grep -q "'z/${f#src/}': File too large" z.err || fail "${f#src/} not named"
			fi
		done
	done
}

@test "a full file system mid-batch: every file there is a whole copy, every other one is named, exit 1" {
	local j f
	mkdir src
	for i in $(seq 1 100); do head -c 4096 /dev/urandom >src/f$i; done
	mount_tmpfs "$T/m" 200k
	for j in 1 8; do
		rm -rf m/z
		run "$ZCP" -r --jobs=$j src m/z
		[ "$status" -eq 1 ]
		[[ "$output" == *"No space left on device"* ]]
		for f in src/*; do
			if [ -e "m/z/${f#src/}" ]; then
				cmp "$f" "m/z/${f#src/}"
			else
				[[ "$output" == *"m/z/${f#src/}'"* ]] || fail "$f: not there, not named"
			fi
		done
	done
}

@test "no inodes left mid-batch: the files that fit are made, the others named, as cp" {
	local j
	mkdir src
	for i in $(seq 1 60); do echo "$i" >src/f$i; done
	mkdir m
	mount -t tmpfs -o size=10m,nr_inodes=30 tmpfs m
	MOUNTS+=("$T/m")
	cp -r src m/c 2>c.err && fail "cp succeeded"
	n=$(find m/c -type f | wc -l)
	rm -rf m/c
	for j in 1 8; do
		rm -rf m/z
		"$ZCP" -r --jobs=$j src m/z 2>z.err && fail "zcp succeeded"
		[ "$(find m/z -type f | wc -l)" -eq "$n" ]
		for f in m/z/*; do cmp "$f" "src/${f#m/z/}"; done
		[ "$(wc -l <z.err)" -eq "$(wc -l <c.err)" ]
		grep -q "cannot create regular file 'm/z/f[0-9]*': No space left on device" z.err
	done
}

@test "a pseudo file system's files are read the usual way, to their end" {
	[ -d /proc/sys/fs/inotify ] || skip "no /proc/sys/fs/inotify"
	zcp -r --stats=json /proc/sys/fs/inotify z >s.json
	for f in /proc/sys/fs/inotify/*; do
		[ "$(cat "z/${f##*/}")" = "$(cat "$f")" ]
	done
	[ "$(jq '[.files[] | select(.method == "uring_batch")] | length' s.json)" -eq 0 ]
}

@test "a destination that clones (btrfs) gets clones, not batches; -p, --explain and --method take none" {
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 1G
	mk_mixed b/src
	zcp -r --stats=json b/src b/z >s.json
	[ "$(jq -r '[.files[].method] | unique | join(",")' s.json)" = clone ]
	same_tree b/src b/z
	for o in -p --preserve=mode --explain --method=copy_range,rw; do
		rm -rf z
		zcp -r $o --stats-file=s.json b/src z >/dev/null
		[ "$(jq '[.files[] | select(.method == "uring_batch")] | length' s.json)" -eq 0 ] ||
			fail "$o: batches"
		same_tree b/src z
	done
}

@test "a file made a FIFO after the directory was read: made a FIFO, as cp does, not opened to wait for a writer" {
	local j o
	# In batches (-r), and one file at a time (-p and --method: no batch).
	for o in -r "-r -p" "-r --method=rw"; do
		for j in 1 8; do
			rm -rf s d
			mkdir s
			for i in $(seq 10); do echo "$i" >s/f$i; done
			# The first listing is held 1.5 s: f5 becomes a FIFO meanwhile.
			# shellcheck disable=SC2086
			strace -f -o /dev/null -e inject=getdents64:delay_exit=1500000:when=1 \
				timeout 20 "$ZCP" $o --jobs=$j s d &
			sleep 0.7
			rm s/f5
			mkfifo s/f5
			wait $! || fail "$o --jobs=$j: exit $?"
			[ -p d/f5 ] || fail "$o --jobs=$j: d/f5 is not a FIFO"
			same_tree s d
		done
	done
}

@test "a source under a lease held elsewhere is copied once the lease is given up, as cp waits for it" {
	local o
	# The opens that do not wait (a batch's, one file's) get EWOULDBLOCK
	# where cp's open waits for the holder: the file goes the way that
	# waits too.
	for o in -r "-r -p"; do
		rm -rf s d
		mkdir s
		for i in $(seq 10); do echo "$i" >s/f$i; done
		python3 "$BATS_TEST_DIRNAME/lease.py" s/f5 >lease.out &
		for i in $(seq 100); do
			grep -q held lease.out && break
			sleep 0.1
		done
		grep -q held lease.out || fail "no lease taken"
		# shellcheck disable=SC2086
		timeout 20 "$ZCP" $o s d || fail "$o: exit $?"
		wait $!
		grep -q broken lease.out || fail "$o: the lease was not broken: $(cat lease.out)"
		same_tree s d
	done
}

@test "a batch holds no more sources open than RLIMIT_NOFILE leaves: ulimit -n 40, 1024 with 64 workers" {
	local j
	mkdir -p s/sub
	for i in $(seq 1 300); do head -c $((i * 10)) /dev/urandom >s/f$i; done
	for i in $(seq 1 50); do echo "$i" >s/sub/g$i; done
	for j in 1 2 8; do
		rm -rf d
		(ulimit -n 40 && "$ZCP" -r --jobs=$j s d) || fail "-n 40, --jobs=$j"
		same_tree s d
	done
	rm -rf d
	(ulimit -n 1024 && "$ZCP" -r --jobs=64 --stats=json s d >s.json) || fail "--jobs=64"
	same_tree s d
	[ "$(jq '[.files[] | select(.method == "uring_batch")] | length' s.json)" -eq 350 ]
}

@test "a tight address space with 64 workers asked: fewer are started, the copy is whole, no part of one is left" {
	need_plain_build
	local v k f
	mkdir s
	for i in $(seq 1 100); do head -c $((i * 100)) /dev/urandom >s/f$i; done
	# (Before the workers were fitted to the limit, these ran out of
	# memory; the files in flight were undone then, as on a signal.)
	for v in 25000 30000 35000; do
		for k in 1 2; do
			rm -rf d
			(ulimit -v $v && "$ZCP" -r --jobs=64 s d) 2>err.txt || fail "ulimit -v $v: $(cat err.txt)"
			[ ! -s err.txt ]
			for f in d/*; do
				cmp "$f" "s/${f#d/}" || fail "ulimit -v $v: $f left, not a whole copy"
			done
			diff -r s d
		done
	done
}
