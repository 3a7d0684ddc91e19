#!/usr/bin/env bats
# Signals during a copy (issue 7): SIGINT, SIGTERM, SIGHUP (and every other
# signal sent to end a process: SIGQUIT, SIGUSR2, SIGALRM, ...) caught in
# flight remove the file being written (a new one; an existing one is left
# empty, the same inode), then zcp dies of the same signal, as a shell
# expects (128+n). SIGPIPE on standard output: zcp dies of it. --atomic:
# the old destination untouched, no temporary file left.
#
# The copy is caught in flight without timing: the source is on a FUSE
# file system (tests/faultfs.py) whose reads past 1 MiB wait while a hold
# file exists, and say so; the test waits for that, sends the signal, then
# lets the read go on. For sendfile, copy_range and uring_splice the read
# that waits is the kernel's own (in an io_uring worker for uring_splice).

load helpers

setup() {
	zcp_setup
	FAULT_PIDS=()
}
teardown() { faults_teardown; }

MIB=$((1 << 20))

# caught_pair M [fuse]: the FUSE source $S (8 MiB, reads past 1 MiB wait
# while held), the destination directory $D (real place $DB): on the
# mount for copy_range, which moves bytes only within one file system, or
# when asked; on ext4 otherwise.
caught_pair() {
	# TSan runs a handler only when the call in flight has returned: the
	# copy may be done by then, which no test in flight can hold.
	[ "${ZCP_SANITIZE:-}" != thread ] || skip "ThreadSanitizer delivers signals late"
	mount_faultfs "$T/fb" "$T/fm"
	mkrand fb/src $((8 * MIB))
	S=fm/src
	if [ "$1" = copy_range ] || [ "${2:-}" = fuse ]; then
		D=fm/d DB=fb/d
	else
		D=d DB=d
	fi
	mkdir "$DB"
	fault_rule read block /src $MIB
}

# caught M SIG [OPTION...]: copy $S into $D with METHOD, hold it in flight,
# send SIG; ST is the exit status. The signals zcp catches are set to
# their defaults first: a background job of a script starts with SIGINT
# ignored, and a program leaves an ignored signal ignored.
caught() {
	local m=$1 sig=$2 pid
	shift 2
	fault_hold
	env --default-signal=INT,TERM,HUP,PIPE,QUIT,USR2,ALRM,PWR "$ZCP" --method="$m" "$@" "$S" "$D" 2>"$T/err" &
	pid=$!
	if ! fault_wait_blocked "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" || true
		cat "$T/err"
		return 1
	fi
	kill -s "$sig" "$pid"
	fault_release
	ST=0
	wait "$pid" || ST=$?
	cat "$T/err"
}

# died_of SIG: zcp died of SIG (the shell's 128+n, named by kill -l).
died_of() {
	assert_equal "$ST" $((128 + $(kill -l "$1")))
	assert_equal "$(kill -l "$ST")" "$1"
}

signalled() {
	local m=$1 sig=$2 ino
	caught_pair "$m"
	# a new destination: gone
	caught "$m" "$sig"
	died_of "$sig"
	assert_equal "$(ls -A "$DB")" ""
	# an existing destination: left empty, the same inode
	mkrand "$DB/src" $((2 * MIB))
	ino=$(stat -c %i "$DB/src")
	caught "$m" "$sig"
	died_of "$sig"
	assert_equal "$(ls -A "$DB")" src
	assert_equal "$(stat -c %s "$DB/src")" 0
	assert_equal "$(stat -c %i "$DB/src")" "$ino"
	# and without the signal, the same copy completes (the hold was real)
	fault_clear
	zcp --method="$m" "$S" "$D"
	cmp fb/src "$DB/src"
}

@test "copy_range: SIGINT mid-copy" { signalled copy_range INT; }
@test "copy_range: SIGTERM mid-copy" { signalled copy_range TERM; }
@test "copy_range: SIGHUP mid-copy" { signalled copy_range HUP; }
@test "sendfile: SIGINT mid-copy" { signalled sendfile INT; }
@test "sendfile: SIGTERM mid-copy" { signalled sendfile TERM; }
@test "sendfile: SIGHUP mid-copy" { signalled sendfile HUP; }
@test "uring_splice: SIGINT mid-copy" { signalled uring_splice INT; }
@test "uring_splice: SIGTERM mid-copy" { signalled uring_splice TERM; }
@test "uring_splice: SIGHUP mid-copy" { signalled uring_splice HUP; }
@test "mmap: SIGINT mid-copy" { signalled mmap INT; }
@test "mmap: SIGTERM mid-copy" { signalled mmap TERM; }
@test "mmap: SIGHUP mid-copy" { signalled mmap HUP; }
@test "rw: SIGINT mid-copy" { signalled rw INT; }
@test "rw: SIGTERM mid-copy" { signalled rw TERM; }
@test "rw: SIGHUP mid-copy" { signalled rw HUP; }
# The other signals that end a process when sent, not only the four
# above (cp leaves what it wrote for all of them).
@test "rw: SIGQUIT mid-copy" { signalled rw QUIT; }
@test "copy_range: SIGUSR2 mid-copy" { signalled copy_range USR2; }
@test "sendfile: SIGALRM mid-copy" { signalled sendfile ALRM; }
@test "mmap: SIGPWR mid-copy" { signalled mmap PWR; }

# -b: the old destination was renamed to its backup before the copy;
# the signal removes the half copy and puts the backup back under its name
# (as a failed copy does), rather than leave the name empty.
backup_term() {
	local m=$1 sig=$2 ino sum suffix=${BACKUP_SUFFIX:-'~'}
	shift 2
	caught_pair "$m"
	mkrand "$DB/src" $((2 * MIB))
	ino=$(stat -c %i "$DB/src")
	sum=$(sha256sum <"$DB/src")
	caught "$m" "$sig" "$@"
	died_of "$sig"
	assert_equal "$(ls -A "$DB")" src
	assert_equal "$(stat -c %i "$DB/src")" "$ino"
	assert_equal "$(sha256sum <"$DB/src")" "$sum"
	fault_clear
	zcp --method="$m" "$@" "$S" "$D"
	cmp fb/src "$DB/src"
	[ -f "$DB/src$suffix" ]
}

@test "rw: SIGTERM mid-copy with -b: the backup goes back under its name" { backup_term rw TERM -b; }
@test "copy_range: SIGINT mid-copy with --backup=numbered: the backup goes back" {
	BACKUP_SUFFIX=.~1~ backup_term copy_range INT --backup=numbered
}

# --atomic: the old destination is not touched, and the temporary file
# (O_TMPFILE on ext4; a hidden name on the FUSE mount, which has no
# O_TMPFILE) does not stay behind.
atomic_term() {
	local m=$1 ino sum
	caught_pair "$m" "${2:-}"
	mkrand "$DB/src" $((2 * MIB))
	ino=$(stat -c %i "$DB/src")
	sum=$(sha256sum <"$DB/src")
	: >"$FAULT_CTL.log"
	caught "$m" TERM --atomic
	died_of TERM
	assert_equal "$(ls -A "$DB")" src
	assert_equal "$(stat -c %i "$DB/src")" "$ino"
	assert_equal "$(sha256sum <"$DB/src")" "$sum"
	if [ "$DB" = fb/d ]; then
		fault_tmp_gone /d src
	fi
	fault_clear
	zcp --atomic --method="$m" "$S" "$D"
	cmp fb/src "$DB/src"
}

@test "copy_range: --atomic + SIGTERM keeps the old file" { atomic_term copy_range; }
@test "sendfile: --atomic + SIGTERM keeps the old file" { atomic_term sendfile; }
@test "uring_splice: --atomic + SIGTERM keeps the old file" { atomic_term uring_splice; }
@test "mmap: --atomic + SIGTERM keeps the old file" { atomic_term mmap; }
@test "rw: --atomic + SIGTERM keeps the old file" { atomic_term rw; }
@test "sendfile: --atomic + SIGTERM on FUSE (hidden temporary name) keeps the old file" { atomic_term sendfile fuse; }
@test "uring_splice: --atomic + SIGTERM on FUSE (hidden temporary name) keeps the old file" { atomic_term uring_splice fuse; }
@test "mmap: --atomic + SIGTERM on FUSE (hidden temporary name) keeps the old file" { atomic_term mmap fuse; }
@test "rw: --atomic + SIGTERM on FUSE (hidden temporary name) keeps the old file" { atomic_term rw fuse; }

# SIGPIPE: standard output is a pipe whose reader goes away after 10
# bytes (64 MiB cannot fit in it): zcp dies of SIGPIPE, says nothing,
# leaves nothing.
sigpipe() {
	local before
	mkrand big $((64 * MIB))
	before=$(ls_snapshot .)
	run bash -c "env --default-signal=PIPE '$ZCP' --method=$1 big - | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}"
	assert_output 141
	assert_equal "$(ls_snapshot .)" "$before"
}

# copy_file_range takes no pipe: no SIGPIPE case for copy_range, it refuses
# before writing anything.
@test "copy_range: refuses a pipe on standard output, nothing written" {
	mkrand big 65536
	run bash -c "set -o pipefail; '$ZCP' --method=copy_range big - | wc -c"
	[ "$status" -eq 1 ]
	assert_line --partial "with method copy_range"
	assert_line 0
}
@test "sendfile: SIGPIPE on standard output" { sigpipe sendfile; }
@test "uring_splice: SIGPIPE on standard output" { sigpipe uring_splice; }
@test "mmap: SIGPIPE on standard output" { sigpipe mmap; }
@test "rw: SIGPIPE on standard output" { sigpipe rw; }

# The same with a FIFO source, for the methods that read one: the writer
# writes 2 MiB (so zcp has read all but a pipe's worth of it: it has
# created and written the destination), says so, then holds the pipe open
# without writing; zcp waits in read or splice for more.
fifo_signalled() {
	local m=$1 sig=$2 pid wpid ino i
	mkfifo fifo
	mkdir d
	for i in new old; do
		if [ $i = old ]; then
			mkrand d/out $((3 * MIB))
			ino=$(stat -c %i d/out)
		fi
		rm -f marker
		: >hold
		{
			head -c $((2 * MIB)) /dev/urandom
			: >marker
			while [ -e hold ]; do sleep 0.05; done
		} >fifo &
		wpid=$!
		FAULT_PIDS+=("$wpid")
		env --default-signal=INT,TERM,HUP,PIPE,QUIT,USR2,ALRM,PWR "$ZCP" --method="$m" fifo d/out 2>err &
		pid=$!
		while [ ! -e marker ]; do
			kill -0 "$pid" 2>/dev/null || { cat err; return 1; }
			sleep 0.05
		done
		kill -s "$sig" "$pid"
		ST=0
		wait "$pid" || ST=$?
		rm hold
		wait "$wpid"
		cat err
		died_of "$sig"
		if [ $i = new ]; then
			assert_equal "$(ls -A d)" ""
		else
			assert_equal "$(ls -A d)" out
			assert_equal "$(stat -c %s d/out)" 0
			assert_equal "$(stat -c %i d/out)" "$ino"
		fi
	done
}

@test "uring_splice: SIGINT mid-copy from a FIFO" { fifo_signalled uring_splice INT; }
@test "uring_splice: SIGTERM mid-copy from a FIFO" { fifo_signalled uring_splice TERM; }
@test "uring_splice: SIGHUP mid-copy from a FIFO" { fifo_signalled uring_splice HUP; }
@test "rw: SIGINT mid-copy from a FIFO" { fifo_signalled rw INT; }
@test "rw: SIGTERM mid-copy from a FIFO" { fifo_signalled rw TERM; }
@test "rw: SIGHUP mid-copy from a FIFO" { fifo_signalled rw HUP; }

# A signal as a tree's files are being created: strace delivers it on the
# return of the Nth openat, the instant a new file exists and is not yet
# written; with -r, where the files go in io_uring batches, on the return
# of the Nth io_uring_enter (each batch takes three: the opens, the reads,
# then the copies made, written and closed by io_uring's own threads). No
# file may stay under its name that is not its source's whole copy, with
# one worker or eight; -n then finishes the copy.
signal_on_create() {
	local call=$1 jobs when f interrupted=0
	shift
	mkdir -p s
	for f in $(seq 40); do echo "data $f" >"s/f$f"; done
	for jobs in 1 8; do
		for when in "${WHENS[@]}"; do
			rm -rf d
			# (env: INT may come ignored, and zcp leaves an ignored
			# signal be; outside strace, whose count is zcp's alone;
			# LeakSanitizer cannot work under ptrace, as in strace())
			run env --default-signal=INT \
				ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
				strace -f -o /dev/null -e trace="$call" \
				-e inject="$call":signal=INT:when=$when "$ZCP" "$@" --jobs=$jobs s d
			[ "$status" -eq 130 ] || [ "$status" -eq 0 ] || fail "status $status: $output"
			[ "$status" -eq 0 ] || interrupted=$((interrupted + 1))
			for f in d/*; do
				[ -e "$f" ] || continue
				cmp "$f" "s/${f#d/}" || fail "--jobs=$jobs, signal at $call $when: $f left"
			done
			"$ZCP" -rnT s d
			diff -r s d
		done
	done
	# One worker's calls come in one order: those runs were cut.
	[ "$interrupted" -ge 4 ]
}

@test "a fatal signal on the openat that creates a tree's file leaves no empty file (one worker and eight); -n finishes the copy" {
	[ "${ZCP_SANITIZE:-}" != thread ] || skip "ThreadSanitizer delivers signals late"
	# (--preserve=mode: each file made by its own openat, no batch)
	WHENS=(6 10 16 24)
	signal_on_create openat -r --preserve=mode
}

@test "a fatal signal as io_uring makes a batch's files leaves no file that is not a whole copy; -n finishes the copy" {
	[ "${ZCP_SANITIZE:-}" != thread ] || skip "ThreadSanitizer delivers signals late"
	uring_batch_ok || skip "no io_uring batches here: $URING_WHY"
	WHENS=(2 3 5 6)
	signal_on_create io_uring_enter -r
}

# sig_midway PID FILE...: SIGTERM to PID once one of FILE has grown past
# ${MIDWAY:-1 MiB}; its status in ST. (A race on purpose: the threads are
# mid-write. A copy done by then is done: its files are whole.)
sig_midway() {
	local pid=$1 f
	shift
	for _ in $(seq 1 400); do
		for f in "$@"; do
			[ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -gt "${MIDWAY:-$MIB}" ] && break 2
		done
		sleep 0.005
	done
	kill -TERM "$pid" 2>/dev/null || true
	ST=0
	wait "$pid" || ST=$?
}

# Each existing destination is as it was ("old"), empty, or the whole
# copy, never data after zeros: a signal handled in one thread while
# others write.
empty_or_whole() {
	local src=$1 f
	shift
	for f in "$@"; do
		[ ! -s "$f" ] && [ "$(stat -c %b "$f")" -eq 0 ] && continue
		[ "$(stat -c %s "$f")" -eq 4 ] && [ "$(cat "$f")" = old ] && continue
		cmp "$src" "$f" || { echo "$f: $(stat -c '%s bytes, %b blocks' "$f")"; return 1; }
	done
}

@test "SIGTERM while workers write over existing files: each is left empty or whole, never zeros then data" {
	mount_tmpfs "$T/m" 3g
	mkdir "$T/m/s" "$T/m/d"
	mkrand "$T/m/s/f1" $((300 * MIB))
	for i in 2 3 4; do cp "$T/m/s/f1" "$T/m/s/f$i"; done
	for round in 1 2 3; do
		for i in 1 2 3 4; do echo old >"$T/m/d/f$i"; done
		"$ZCP" --jobs=4 -T -r "$T/m/s" "$T/m/d" 3>&- &
		sig_midway $! "$T"/m/d/f*
		[ "$ST" -eq 143 ] || [ "$ST" -eq 0 ]
		empty_or_whole "$T/m/s/f1" "$T"/m/d/f*
	done
}

@test "SIGTERM while --also writes over existing files: each is left empty or whole" {
	mount_tmpfs "$T/m" 3g
	mkrand "$T/m/src" $((500 * MIB))
	for round in 1 2 3; do
		echo old >"$T/m/one"
		echo old >"$T/m/two"
		"$ZCP" "$T/m/src" "$T/m/one" --also="$T/m/two" 3>&- &
		sig_midway $! "$T/m/one" "$T/m/two"
		[ "$ST" -eq 143 ] || [ "$ST" -eq 0 ]
		empty_or_whole "$T/m/src" "$T/m/one" "$T/m/two"
	done
}

@test "SIGTERM while workers back up and replace many files (-b): every name is there, old, empty or whole" {
	mount_tmpfs "$T/m" 3g
	mkdir "$T/m/s"
	for d in 1 2 3 4 5 6 7 8; do
		mkdir "$T/m/s/d$d"
		for f in $(seq 1 100); do mkrand "$T/m/s/d$d/f$f" $(((f * 7919 % 800) * 1024 + 1)); done
	done
	for round in 1 2 3; do
		rm -rf "$T/m/d"
		mkdir "$T/m/d"
		for d in 1 2 3 4 5 6 7 8; do
			mkdir "$T/m/d/d$d"
			for f in $(seq 1 100); do echo old >"$T/m/d/d$d/f$f"; done
		done
		"$ZCP" --jobs=8 -rb -T "$T/m/s" "$T/m/d" 3>&- &
		MIDWAY=65536 sig_midway $! "$T"/m/d/d2/f*
		[ "$ST" -eq 143 ] || [ "$ST" -eq 0 ]
		for d in 1 2 3 4 5 6 7 8; do
			for f in $(seq 1 100); do
				[ -e "$T/m/d/d$d/f$f" ] || { echo "d$d/f$f missing"; false; }
				empty_or_whole "$T/m/s/d$d/f$f" "$T/m/d/d$d/f$f"
			done
		done
	done
}
