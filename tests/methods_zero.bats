#!/usr/bin/env bats
# The zero-copy methods, each forced with --method: sendfile, mmap and
# uring_splice. Every size around their chunks, every pair they claim,
# their fallbacks under strace fault injection, mmap's SIGBUS, and the
# accounting against strace -f -c.

load helpers

setup() { zcp_setup; }
teardown() {
	# A FUSE server exits once its mount is gone.
	[ -n "${FUSE_PID:-}" ] && { umount "$T/fm" 2>/dev/null || umount -l "$T/fm" 2>/dev/null; wait "$FUSE_PID" 2>/dev/null; }
	zcp_teardown
}

MIB=$((1 << 20))
# One splice asks for a pipe's worth (1 MiB, F_SETPIPE_SZ); both ends
# seeking, four such ranges are in flight at once.
URING_CHUNK=$MIB
URING_ROUND=$((4 * MIB))
# mmap maps 16 MiB windows.
MMAP_WINDOW=$((16 * MIB))
# sendfile moves at most 0x7ffff000 bytes a call.
SENDFILE_MAX=2147479552

around() { echo "$(($1 - 1)) $1 $(($1 + 1))"; }

# check_sizes METHOD DIR SIZE...: each size copies byte for byte, and 64 MiB.
check_sizes() {
	local m=$1 dir=$2 s
	shift 2
	for s in 0 1 4095 4096 4097 "$@"; do
		mkrand "$dir/src.$s" "$s"
		zcp --method="$m" "$dir/src.$s" "$dir/dst.$s"
		cmp "$dir/src.$s" "$dir/dst.$s"
		[ "$(stat -c %s "$dir/dst.$s")" -eq "$s" ]
	done
	mkrand "$dir/big" $((64 * MIB))
	zcp --method="$m" "$dir/big" "$dir/big.copy"
	cmp "$dir/big" "$dir/big.copy"
}

# A TCP port on loopback nobody listens on, and a wait for a listener.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
		grep -qi ":$(printf '%04X' "$p") " /proc/net/tcp || { echo "$p"; return 0; }
	done
	return 1
}

wait_listen() {
	local hex
	hex=$(printf '%04X' "$1")
	for _ in $(seq 100); do
		grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp && return 0
		sleep 0.1
	done
	return 1
}

need_socat() {
	command -v socat >/dev/null || skip "socat not installed"
}

# to_socket METHOD SRC OUT: zcp writes SRC into a TCP socket, socat saves it.
to_socket() {
	local m=$1 src=$2 out=$3 port pid
	port=$(free_port)
	timeout 60 socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "CREATE:$out" 3>&- &
	pid=$!
	wait_listen "$port"
	timeout 60 "$ZCP" --method="$m" "$src" - >"/dev/tcp/127.0.0.1/$port"
	wait "$pid"
	cmp "$src" "$out"
}

# from_socket METHOD SRC OUT: socat serves SRC on a TCP socket, zcp reads it.
from_socket() {
	local m=$1 src=$2 out=$3 port pid
	port=$(free_port)
	timeout 60 socat -u "FILE:$src" "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" 3>&- &
	pid=$!
	wait_listen "$port"
	timeout 60 "$ZCP" --method="$m" - "$out" <"/dev/tcp/127.0.0.1/$port"
	wait "$pid"
	cmp "$src" "$out"
}

# check_file_pairs METHOD: regular to regular across ext4 and tmpfs, to a
# pipe, to /dev/null, to a socket.
check_file_pairs() {
	local m=$1 json
	mkrand src $((5 * MIB + 12345))
	mount_tmpfs "$T/tmpfs"
	zcp --method="$m" src tmpfs/x
	cmp src tmpfs/x
	zcp --method="$m" tmpfs/x back
	cmp src back
	zcp --method="$m" src - | cat >piped
	cmp src piped
	json=$(zcp --method="$m" --stats=json src /dev/null)
	[ "$(jq .measured.bytes_copied <<<"$json")" -eq $((5 * MIB + 12345)) ]
	[ "$(jq -r '.files[0].method' <<<"$json")" = "$m" ]
	need_socat
	to_socket "$m" src sock.out
}

@test "sendfile: sizes 0 to 64 MiB byte for byte" {
	check_sizes sendfile "$T" $(around $MIB)
}

@test "mmap: sizes around the 16 MiB window byte for byte" {
	check_sizes mmap "$T" $(around $MMAP_WINDOW)
}

@test "uring_splice: sizes around the pipe and the round byte for byte" {
	check_sizes uring_splice "$T" $(around $URING_CHUNK) $(around $URING_ROUND)
}

@test "sendfile: ext4 to tmpfs and back, to a pipe, /dev/null, a socket" {
	check_file_pairs sendfile
}

@test "mmap: ext4 to tmpfs and back, to a pipe, /dev/null, a socket" {
	check_file_pairs mmap
}

@test "uring_splice: ext4 to tmpfs and back, to a pipe, /dev/null, a socket" {
	check_file_pairs uring_splice
}

@test "uring_splice: from a pipe, pipe to pipe, from a socket" {
	mkrand src $((3 * MIB + 999))
	cat src | zcp --method=uring_splice - out
	cmp src out
	cat src | zcp --method=uring_splice - - | cat >out2
	cmp src out2
	: | zcp --method=uring_splice - empty
	[ ! -s empty ]
	need_socat
	from_socket uring_splice src sock.out
}

@test "mmap: into a mapped destination (open for reading and writing)" {
	mkrand src $((MMAP_WINDOW + 4097))
	zcp --method=mmap --stats=json src - 1<>out 2>s.json
	cmp src out
	[ "$(jq .measured.bytes_memcpy s.json)" -eq $((MMAP_WINDOW + 4097)) ]
	[ "$(jq .measured.bytes_user_kernel s.json)" -eq 0 ]
	# an existing longer file keeps its tail, as with any method
	mkrand long $((2 * MMAP_WINDOW))
	cp long expect
	dd if=src of=expect conv=notrunc status=none
	zcp --method=mmap src - 1<>long
	cmp long expect
}

@test "a sparse file keeps its holes with each method" {
	local m
	truncate -s 1G sparse
	head -c 70000 /dev/urandom | dd of=sparse conv=notrunc status=none
	head -c 3000000 /dev/urandom | dd of=sparse bs=1M seek=400 conv=notrunc status=none
	head -c 5000 /dev/urandom | dd of=sparse bs=4096 seek=$((1000 * 256)) conv=notrunc status=none
	for m in sendfile mmap uring_splice; do
		zcp --method="$m" sparse "sparse.$m"
		cmp sparse "sparse.$m"
		[ "$(stat -c %s "sparse.$m")" -eq $((1 << 30)) ]
		[ "$(stat -c %b "sparse.$m")" -le "$(stat -c %b sparse)" ]
	done
}

@test "inherited descriptors at odd offsets: each method starts where they stand" {
	local m
	mkrand src 3000000
	tail -c +5001 src >tail.expect
	{ printf abc; cat src; } >head.expect
	for m in sendfile mmap uring_splice; do
		rm -f out out2
		{ dd bs=5000 count=1 of=/dev/null status=none; zcp --method="$m" - out; } <src
		cmp tail.expect out
		{ printf abc; zcp --method="$m" src -; } 1<>out2
		cmp head.expect out2
	done
}

@test "a named fifo as destination" {
	local m pid
	mkrand src $((2 * MIB + 3))
	mkfifo ff
	for m in sendfile mmap uring_splice; do
		timeout 60 cat ff >out 3>&- &
		pid=$!
		timeout 60 "$ZCP" --method="$m" src ff
		wait "$pid"
		cmp src out
	done
}

@test "a reader that goes away ends zcp by SIGPIPE, as it ends cat and cp" {
	local m st
	mkrand src $((8 * MIB))
	for m in sendfile mmap uring_splice; do
		st=$(bash -c "'$ZCP' --method=$m src - 2>err | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}")
		[ "$st" -eq 141 ] || { echo "$m: exit status $st" >&2; false; }
		[ ! -s err ]
	done
}

@test "sendfile: more than one call's worth (0x7ffff000) of a sparse file" {
	truncate -s 5G sparse
	head -c 4096 /dev/urandom | dd of=sparse bs=4096 seek=$(((5 << 30) / 4096 - 1)) conv=notrunc status=none
	command -v strace >/dev/null || skip "strace not installed"
	strace -o trace.log -e trace=sendfile "$ZCP" --method=sendfile --stats=json sparse /dev/null >s.json
	[ "$(jq .measured.bytes_copied s.json)" -eq $((5 << 30)) ]
	# the cap is reached, and the loop goes on after it
	grep -q "= $SENDFILE_MAX\$" trace.log
	[ "$(grep -c '^sendfile' trace.log)" -ge 3 ]
}

@test "a method asked for a pair it cannot serve says so and fails" {
	mkrand src 5000
	run bash -c "cat src | '$ZCP' --method=mmap - out"
	assert_failure 1
	assert_output --partial "with method mmap: maps only a regular file"
	run bash -c "cat src | '$ZCP' --method=sendfile - out"
	assert_failure 1
	assert_output --partial "with method sendfile: reads only a regular file"
	run zcp --method=uring_splice /dev/zero out
	assert_failure 1
	assert_output --partial "with method uring_splice: character devices"
	run zcp --method=mmap /proc/version out
	assert_failure 1
	assert_output --partial "with method mmap: the source's size is not to be trusted"
}

@test "the default plan picks sendfile across file systems and to pipes, uring_splice from pipes, rw from devices" {
	mkrand src 100000
	mount_tmpfs "$T/tmpfs"
	zcp --explain src tmpfs/x >e1
	cmp src tmpfs/x
	grep -q "copy_range: skipped: different file system types" e1
	grep -q "sendfile: chosen" e1
	zcp --explain src - 2>/dev/null | cat >/dev/null
	zcp --explain src - 2>e2 | cat >piped
	cmp src piped
	grep -q "sendfile: chosen" e2
	cat src | zcp --explain - out >e3
	cmp src out
	grep -q "uring_splice: chosen" e3
	zcp --dry-run --explain /dev/zero z >e4
	grep -q "uring_splice: skipped: character devices" e4
	grep -q "rw: chosen" e4
	zcp --explain src same >e5
	grep -q "copy_range: chosen" e5
}

# inject SYSCALL ERRNO WHEN ARGS...: run zcp --explain ARGS under strace with
# SYSCALL failing at its WHENth call, and check strace did inject. $TRACE
# names the calls to trace, SYSCALL by default.
inject() {
	local call=$1 err=$2 when=${3:-1}
	shift 3
	strace -f -o trace.log -e trace="${TRACE:-$call}" -e inject="$call:error=$err:when=$when" \
		"$ZCP" --explain "$@" >explain.out
	grep -q "$err (.*) (INJECTED)" trace.log
}

need_strace() {
	command -v strace >/dev/null || skip "strace not installed"
}

@test "sendfile EINVAL falls back to rw, and across file systems to uring_splice" {
	need_strace
	mkrand src $((3 * MIB))
	inject sendfile EINVAL 1 --method=sendfile,rw src dst
	cmp src dst
	grep -q "sendfile: failed: EINVAL, using rw" explain.out
	mount_tmpfs "$T/tmpfs"
	inject sendfile EINVAL 1 src tmpfs/x
	cmp src tmpfs/x
	grep -q "sendfile: failed: EINVAL, using uring_splice" explain.out
	grep -q "uring_splice: chosen" explain.out
}

@test "io_uring_setup ENOSYS or EPERM: uring_splice falls back to rw, once per run" {
	need_strace
	mkrand src $((3 * MIB))
	for err in ENOSYS EPERM; do
		rm -f dst
		cat src | inject io_uring_setup "$err" 1 - dst
		cmp src dst
		grep -q "uring_splice: failed: $err, using rw" explain.out
	done
	# a tree: the ring is not asked for again after it was refused
	mkdir t
	for i in 1 2 3 4 5; do mkrand "t/f$i" 70000; done
	inject io_uring_setup EPERM 1 -r --method=uring_splice,rw t t2
	diff -r t t2
	[ "$(grep -c '^[0-9]* *io_uring_setup' trace.log)" -eq 1 ]
	grep -q "uring_splice: skipped: io_uring cannot be set up here (EPERM)" explain.out
}

@test "io_uring_enter failing once: that file falls back, the ring serves the next ones" {
	need_strace
	mkdir t
	for i in 1 2 3 4 5; do mkrand "t/f$i" $((i * 300000)); done
	TRACE=io_uring_setup,io_uring_enter inject io_uring_enter EINVAL 1 -r --method=uring_splice,rw t t2
	diff -r t t2
	[ "$(grep -c 'uring_splice: failed: EINVAL, using rw' explain.out)" -eq 1 ]
	[ "$(grep -c 'uring_splice: chosen' explain.out)" -eq 4 ]
	[ "$(grep -c '^[0-9]* *io_uring_setup' trace.log)" -eq 1 ]
}

@test "mmap ENODEV (a file system that cannot map) falls back to rw" {
	need_strace
	mkrand src $((3 * MIB))
	# which mmap call maps the source (sanitizer runtimes make their own)
	# (the same command, so that their calls come in the same order)
	strace -f -o probe.log -e trace=mmap "$ZCP" --explain --method=mmap,rw src dst >/dev/null
	n=$(grep -n 'PROT_READ, MAP_SHARED, [0-9]' probe.log | head -n 1 | cut -d: -f1)
	[ -n "$n" ]
	rm dst
	inject mmap ENODEV "$n" --method=mmap,rw src dst
	cmp src dst
	grep -q "PROT_READ, MAP_SHARED, [0-9].*ENODEV.*(INJECTED)" trace.log
	grep -q "mmap: failed: ENODEV, using rw" explain.out
}

# A FUSE file whose st_size (40 MiB) is longer than what reads can return
# (20 MiB): a mapping of it raises SIGBUS past 20 MiB.
fuse_short_file() {
	[ -c /dev/fuse ] || skip "/dev/fuse is not available"
	# fusermount and fusepy come with scripts/setup.sh: missing, the set-up
	# failed, and so does the test.
	command -v fusermount >/dev/null || command -v fusermount3 >/dev/null
	PY=/usr/bin/python3
	$PY -c 'import fusepy' 2>/dev/null || PY=python3
	$PY -c 'import fusepy'
	mkrand back $((40 * MIB))
	mkdir fm
	$PY "$BATS_TEST_DIRNAME/fusefail.py" back fm $((20 * MIB)) $((40 * MIB)) 3>&- &
	FUSE_PID=$!
	for _ in $(seq 100); do
		mountpoint -q fm && break
		sleep 0.1
	done
	mountpoint -q fm || {
		kill "$FUSE_PID" 2>/dev/null
		echo "cannot mount the FUSE file system on fm" >&2
		return 1
	}
	[ "$(stat -c %s fm/file)" -eq $((40 * MIB)) ]
}

@test "mmap: a source that cannot be read to its end fails cleanly, no SIGBUS death" {
	fuse_short_file
	# into a mapped destination: the second window faults
	run bash -c "'$ZCP' --method=mmap fm/file - 1<>out"
	[ "$status" -eq 1 ]
	assert_output --partial "error reading 'fm/file': Input/output error"
	# only what was certainly copied is left: the first window
	[ "$(stat -c %s out)" -eq $MMAP_WINDOW ]
	cmp -n $MMAP_WINDOW out back
	# the signal was real, and handled
	if command -v strace >/dev/null; then
		run bash -c "ASAN_OPTIONS=detect_leaks=0 strace -f -o sig.log -e trace=none '$ZCP' --method=mmap fm/file - 1<>out2"
		[ "$status" -eq 1 ]
		grep -q "SIGBUS" sig.log
		grep -q "exited with 1 +++" sig.log
	fi
	# into a new file and into a pipe: write(2) from the mapping
	run zcp --method=mmap fm/file out3
	[ "$status" -eq 1 ]
	assert_output --partial "error reading 'fm/file': Input/output error"
	# a file zcp created and could not finish is not left behind
	[ ! -e out3 ]
	run bash -c "'$ZCP' --method=mmap fm/file - | cat >out4; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 1 ]
}

# agree_here METHOD: helpers.bash's agree in this test's directory.
agree_here() {
	need_plain_build
	need_strace
	command -v jq >/dev/null || skip "jq not installed"
	agree "$1" .
}

@test "sendfile: counts agree with strace, 0 bytes across the boundary" {
	agree_here sendfile
	[ "$BYTES_USER" -eq 0 ]
	[ "$BYTES_MEMCPY" -eq 0 ]
}

@test "uring_splice: counts agree with strace (ring, pipes, io_uring_enter), 0 bytes across" {
	agree_here uring_splice
	[ "$BYTES_USER" -eq 0 ]
	[ "$BYTES_MEMCPY" -eq 0 ]
	# one ring for each thread that copies, whatever the number of files
	rings=$(jq .measured.syscalls.io_uring_setup s2.json)
	[ "$rings" -ge 1 ] && [ "$rings" -le "$(($(jq '.measured.syscalls.clone3 // 0' s2.json) + 1))" ]
	[ "$(jq .measured.io_uring_sqes.splice s.json)" -ge 512 ]
	grep -qw io_uring_enter trace.txt
}

@test "mmap: counts agree with strace; one copy of each byte in user space" {
	agree_here mmap
	# a destination open write-only is written from the mapping
	[ $((BYTES_USER + BYTES_MEMCPY)) -eq $((256 * MIB)) ]
	# one open for reading too is mapped: memcpy, nothing through write(2)
	strace -f -c -o trace3.txt "$ZCP" --stats=json --method=mmap big - 1<>mapped 2>s3.json
	cmp big mapped
	strace_agrees trace3.txt s3.json
	[ "$(jq .measured.bytes_memcpy s3.json)" -eq $((256 * MIB)) ]
	[ "$(jq .measured.bytes_user_kernel s3.json)" -eq 0 ]
}
