#!/usr/bin/env bats
# Data safety: paths that once destroyed data now refuse or copy safely;
# a file zcp could not finish is removed; --atomic and --fsync.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

@test "standard input that is the destination is the same file" {
	echo hello >f
	run zcp - f <f
	assert_failure 1
	assert_output "zcp: '-' and 'f' are the same file"
	[ "$(cat f)" = hello ]
}

@test "standard output that is the source is the same file" {
	echo hello >f
	zcp f - >>f 2>err && false
	[ "$(cat err)" = "zcp: 'f' and '-' are the same file" ]
	[ "$(cat f)" = hello ]
	ln f g
	zcp g - >>f 2>err && false
	[ "$(cat f)" = hello ]
	zcp - - <f >>f 2>err && false
	[ "$(cat f)" = hello ]
}

@test "a forced method that cannot serve the pair leaves the destination as it was" {
	echo data >k
	ino=$(stat -c %i k)
	run bash -c "echo hi | '$ZCP' --method=mmap - k"
	assert_failure 1
	assert_output --partial "with method mmap"
	[ "$(cat k)" = data ]
	echo src >s
	run zcp --method=clone s k
	assert_failure 1
	[ "$(cat k)" = data ]
	mount_tmpfs "$T/tm" 8m
	echo data >tm/k
	run zcp --method=copy_range s tm/k
	assert_failure 1
	assert_output --partial "with method copy_range"
	[ "$(cat tm/k)" = data ]
	[ "$(stat -c %i k)" = "$ino" ]
}

@test "-b with a source that cannot be opened makes no backup and keeps the destination" {
	need_root
	chmod 777 "$T"
	echo s >s
	echo t >t
	chmod 000 s
	chmod 666 t
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZCP" -b s t
	assert_failure 1
	assert_output "zcp: cannot open 's' for reading: Permission denied"
	[ "$(cat t)" = t ]
	[ ! -e 't~' ]
	# As cp, -v says what was being done before the error.
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZCP" -v --remove-destination s t
	assert_failure 1
	assert_line --index 0 "'s' -> 't'"
	[ "$(cat t)" = t ]
}

@test "-lf and -sf replace in one step: a link that cannot be made (no inode left) leaves the destination, as cp" {
	mount_tmpfs "$T/m" 1m,nr_inodes=4
	echo keep >m/f
	echo two >m/g
	echo three >m/h
	run bash -c 'echo x >m/full'
	assert_failure	# the inodes are all taken
	echo target >tgt
	for tool in cp "$ZCP"; do
		run "$tool" -sf "$PWD/tgt" m/f
		assert_failure 1
		assert_output --partial "cannot create symbolic link 'm/f' to '$PWD/tgt': No space left on device"
		[ "$(cat m/f)" = keep ]
		run "$tool" -lf m/g m/f
		assert_failure 1
		assert_output --partial "cannot create hard link 'm/f' to 'm/g': No space left on device"
		[ "$(cat m/f)" = keep ]
	done
	# Nothing left under a hidden name.
	[ "$(ls -A m | wc -l)" = 3 ]
}

@test "a new file that cannot be finished (ENOSPC) is removed; the other operands are copied" {
	mount_tmpfs "$T/tm" 256k
	mkrand big $((1 << 20))
	echo small >small
	mkdir tm/d
	run zcp big small tm/d
	assert_failure 1
	assert_output "zcp: error writing 'tm/d/big': No space left on device"
	[ ! -e tm/d/big ]
	cmp small tm/d/small
}

@test "every method removes the new file it could not finish" {
	mount_tmpfs "$T/tm" 256k
	mkrand big $((1 << 20))
	for m in sendfile uring_splice mmap rw; do
		run zcp --method="$m" big tm/out
		assert_failure 1
		assert_output "zcp: error writing 'tm/out': No space left on device"
		[ ! -e tm/out ]
	done
	# copy_file_range stays on one file system: the source is on it too
	head -c 100000 /dev/urandom >tm/src
	head -c 1000000 /dev/zero >tm/fill || true
	run zcp --method=copy_range tm/src tm/out
	assert_failure 1
	assert_output --partial "No space left on device"
	[ ! -e tm/out ]
}

@test "mmap into a mapped destination on a full file system: ENOSPC, as cp says, not EIO; nothing past what was copied" {
	mount_tmpfs "$T/tm" 256k
	mkrand big $((1 << 20))
	# Standard output open for reading and writing: the one destination
	# mmap maps (a page it cannot have comes as SIGBUS).
	run bash -c '"$0" --method=mmap big - 1<>tm/out' "$ZCP"
	assert_failure 1
	assert_output "zcp: error writing '-': No space left on device"
	[ "$(stat -c %s tm/out)" -eq 0 ]
}

@test "an existing destination truncated before an error is left empty, and said so" {
	mount_tmpfs "$T/tm" 256k
	mkrand big $((1 << 20))
	echo old >tm/e
	ino=$(stat -c %i tm/e)
	run zcp big tm/e
	assert_failure 1
	assert_line --index 0 "zcp: error writing 'tm/e': No space left on device"
	assert_line --index 1 "zcp: 'tm/e' was truncated before the error and is left empty"
	[ "$(stat -c %s tm/e)" = 0 ]
	[ "$(stat -c %i tm/e)" = "$ino" ]
}

@test "--atomic keeps the old destination on ENOSPC and leaves no temporary file" {
	mount_tmpfs "$T/tm" 256k
	mkrand big $((1 << 20))
	for m in sendfile uring_splice mmap rw; do
		echo old >tm/e
		run zcp --atomic --method="$m" big tm/e
		assert_failure 1
		[ "$(cat tm/e)" = old ]
		[ "$(ls -A tm)" = e ]
		run zcp --atomic --method="$m" big tm/new
		assert_failure 1
		[ "$(ls -A tm)" = e ]
	done
}

@test "--atomic replaces the file by a new inode: other links keep the old data" {
	echo old >d
	ln d d2
	chmod 640 d
	ino=$(stat -c %i d)
	mkrand s 100000
	zcp --atomic s d
	cmp s d
	[ "$(stat -c %i d)" != "$ino" ]
	[ "$(cat d2)" = old ]
	# the mode of the file it replaces, as the in-place copy keeps it
	[ "$(stat -c %a d)" = 640 ]
	[ "$(ls -A | sort | tr '\n' ' ')" = "d d2 s " ]
}

@test "--atomic -b: the backup is the old file, and DEST never goes missing" {
	echo old >d
	ino=$(stat -c %i d)
	echo new >s
	run zcp --atomic -b s d
	assert_success
	[ "$(cat d)" = new ]
	[ "$(cat 'd~')" = old ]
	[ "$(stat -c %i 'd~')" = "$ino" ]
	# the same with strace: no rename of d away, one rename into place
	echo old >d
	strace -f -o trace -e trace=rename,renameat,renameat2,linkat "$ZCP" --atomic -b s d
	grep -q "linkat(.*\"d\".*\"d~\"" trace
	[ "$(grep -c 'rename' trace)" = 1 ]
	# a FIFO's data, copied as a file's: the same (d was renamed away
	# for the whole copy)
	echo old >d
	mkfifo p
	{ echo fifo >p; } &
	strace -f -o trace -e trace=rename,renameat,renameat2,linkat "$ZCP" --atomic -b p d
	wait
	[ "$(cat d)" = fifo ]
	[ "$(cat 'd~')" = old ]
	grep -q "linkat(.*\"d\".*\"d~\"" trace
	[ "$(grep -c 'rename' trace)" = 1 ]
}

@test "--atomic refuses standard output and writes no device or symlink in place" {
	echo s >s
	run zcp --atomic s -
	assert_failure 1
	assert_output "zcp: --atomic cannot write standard output: name the destination file"
	echo t >t
	ln -s t l
	run zcp --atomic s l
	assert_failure 1
	assert_output --partial "cannot replace 'l' atomically"
	[ "$(cat t)" = t ]
	run zcp --atomic --remove-destination s l
	assert_success
	[ ! -L l ]
	[ "$(cat l)" = s ]
	[ "$(cat t)" = t ]
	run zcp --atomic s /dev/null
	assert_failure 1
	assert_output --partial "not a regular file"
}

@test "--atomic of a tree: every file complete, no temporary names" {
	mk_tree200 src
	zcp -r --atomic src dst
	diff -r src dst
	zcp -rT --atomic src dst
	diff -r src dst
	[ -z "$(find dst -name '.*zcp*')" ]
}

# openat_nth PATTERN CMD...: run CMD under strace once and print which
# openat (1, 2, ...) is the first to match PATTERN: the C library and the
# sanitizer runtimes open files of their own before zcp's, so the number
# is counted, not assumed. Run it on a scratch copy: CMD really runs.
openat_nth() {
	local pat=$1
	shift
	strace -f -o nth.trace -e trace=openat "$@" >/dev/null 2>&1 || true
	grep -n -m1 -E "$pat" <(grep 'openat(' nth.trace) | cut -d: -f1
}

@test "--atomic without O_TMPFILE uses a hidden name, then rename" {
	# strace makes the O_TMPFILE open fail, as on a file system without it.
	echo old >e
	mkrand s 300000
	cp e e.keep
	n=$(openat_nth O_TMPFILE "$ZCP" --atomic s e)
	[ -n "$n" ]
	cp e.keep e
	rm e.keep nth.trace
	strace -f -o trace -e trace=openat,rename,renameat,renameat2 \
		-e inject=openat:error=EOPNOTSUPP:when="$n" "$ZCP" --atomic s e
	grep -q 'O_TMPFILE.*EOPNOTSUPP.*(INJECTED)' trace
	grep -q 'renameat.*"\.e\.zcp[0-9a-f]*", AT_FDCWD, "e"' trace
	cmp s e
	strace -f -o trace -e trace=openat,rename,renameat,renameat2,linkat \
		-e inject=openat:error=EOPNOTSUPP:when="$n" "$ZCP" --atomic s new
	grep -q 'O_TMPFILE.*EOPNOTSUPP.*(INJECTED)' trace
	grep -q 'renameat2(.*"new", RENAME_NOREPLACE) = 0' trace
	cmp s new
	[ "$(ls -A | sort | tr '\n' ' ')" = "e new s trace " ]
}

@test "--fsync flushes every file it copies" {
	mk_tree200 src
	strace -f -c -o trace "$ZCP" -r --fsync src dst
	diff -r src dst
	# 200 files, 8 directories made (src and its 7), and the directory
	# that takes the top name
	n=$(awk '$NF == "fsync" { print $4 }' trace)
	[ "$n" -eq 209 ]
	strace -f -c -o trace2 "$ZCP" -r src dst2
	! grep -qw fsync trace2
}

# zcp_paused_at_open N CMD...: run CMD under strace with its Nth openat
# (the source's) held for 10 s; returns once zcp is stopped in that call,
# with STRACE_PID set. Deterministic: /proc says where zcp is.
zcp_paused_at_open() {
	local n=$1
	shift
	ASAN_OPTIONS=detect_leaks=0 command strace -f -o trace -e trace=openat \
		-e inject=openat:delay_enter=10000000:when="$n" "$@" >out 2>err 3>&- &
	STRACE_PID=$!
	local i zpid=
	for i in $(seq 1 500); do
		zpid=$(pgrep -P "$STRACE_PID" | head -1)
		[ -n "$zpid" ] && [ "$(cut -d' ' -f1 "/proc/$zpid/syscall" 2>/dev/null)" = 257 ] && return 0
		sleep 0.02
	done
	return 1
}

@test "a source swapped for a symlink between lstat and open is not followed" {
	echo secret >secret
	echo data >src
	n=$(openat_nth '"src"' "$ZCP" -P src dst)
	rm dst
	zcp_paused_at_open "$n" "$ZCP" -P src dst
	mv src src.old
	ln -s secret src
	rc=0
	wait "$STRACE_PID" || rc=$?
	[ "$rc" = 1 ]
	[ "$(cat err)" = "zcp: cannot open 'src' for reading: Too many levels of symbolic links" ]
	[ ! -e dst ]
}

@test "a source swapped for another file between lstat and open is skipped, as cp does" {
	echo data >src
	echo other >other
	n=$(openat_nth '"src"' "$ZCP" src dst)
	rm dst
	zcp_paused_at_open "$n" "$ZCP" src dst
	mv other src
	rc=0
	wait "$STRACE_PID" || rc=$?
	[ "$rc" = 1 ]
	[ "$(cat err)" = "zcp: skipping file 'src', as it was replaced while being copied" ]
	[ ! -e dst ]
}

# --- found by a hostile try of the above -----------------------------------

@test "-b and --remove-destination take nothing away when no method can serve the pair" {
	echo s >s
	for opt in -b --remove-destination; do
		echo old >d
		run zcp "$opt" --method=clone s d
		assert_failure 1
		assert_output --partial "with method clone"
		[ "$(cat d)" = old ]
		[ ! -e 'd~' ]
		run bash -c "echo p | '$ZCP' $opt --method=mmap - d"
		assert_failure 1
		[ "$(cat d)" = old ]
		mknod -m 666 mynull c 1 3
		run zcp "$opt" --method=clone s mynull
		assert_failure 1
		[ -c mynull ]
		rm mynull
	done
	run zcp --dry-run --method=clone s d
	assert_failure 1
}

@test "--reflink=always where the file system cannot clone leaves an existing destination whole" {
	echo s >s
	for opt in "" -b --remove-destination; do
		echo old >d
		rm -f 'd~'
		run zcp $opt --reflink=always s d
		assert_failure 1
		assert_output --partial "failed to clone 'd' from 's'"
		[ "$(cat d)" = old ]
	done
	run zcp --reflink=always s new
	assert_failure 1
	[ ! -e new ]
}

@test "--atomic --remove-destination over a symlink: the copy does not take the link's mode or owner" {
	echo hi >s
	chmod 644 s
	echo o >o
	ln -s o sym
	chown -h nobody:nogroup sym
	zcp --atomic --remove-destination s sym
	[ ! -L sym ]
	[ "$(stat -c '%a %U' sym)" = "644 root" ]
	[ "$(cat o)" = o ]
}

@test "--atomic -b over what it cannot replace (a symlink, a FIFO): refused before the backup is made" {
	echo data >a
	ln -s a s
	mkfifo p
	run zcp --atomic -b a s
	assert_failure 1
	assert_output "zcp: cannot replace 's' atomically: it is a symbolic link (see --remove-destination)"
	run zcp --atomic --backup=numbered a p
	assert_failure 1
	assert_output "zcp: cannot replace 'p' atomically: not a regular file"
	[ "$(ls -A | sort | tr '\n' ' ')" = "a p s " ]
	[ "$(readlink s)" = a ]
	# Told to remove it, the symlink is backed up and replaced.
	zcp --atomic -b --remove-destination a s
	[ ! -L s ] && [ "$(readlink 's~')" = a ] && [ "$(cat s)" = data ]
}

@test "--atomic into a directory that takes names but lets none go (chattr +a): the old file stays, the hidden name left is named" {
	mount_tmpfs "$T/m" 1m
	mkdir m/d
	echo old >m/d/f
	echo new >s
	chattr +a m/d
	run zcp --atomic s m/d/f
	local left
	left=$(cd m/d && ls -A | grep -v '^f$')
	chattr -a m/d
	assert_failure 1
	assert_line --index 0 "zcp: cannot create regular file 'm/d/f': Operation not permitted"
	assert_line --index 1 "zcp: cannot remove temporary file 'm/d/$left': Operation not permitted"
	[ "$(cat m/d/f)" = old ]
	[ "$(cat "m/d/$left")" = new ]
}

@test "-b: a copy or link that fails puts the backup back under the name, as cp's un-backup; --atomic -b leaves no backup" {
	mount_tmpfs "$T/m" 1m
	mkrand big $((2 << 20))
	echo a >xa
	for tool in cp "$ZCP"; do
		for args in "-bv big" "-bv --backup=numbered big" "-lbv xa" "-lfbv xa" "-bv --remove-destination big"; do
			rm -f m/*
			echo old >m/b
			# shellcheck disable=SC2086 # args: options and a SOURCE
			run bash -c '"$0" "$@" 2>/dev/null' "$tool" $args m/b
			assert_failure 1
			[ "$(ls m)" = b ]
			[ "$(cat m/b)" = old ]
			[ "${lines[-1]}" = "'m/b~' -> 'm/b' (unbackup)" ] ||
				[ "${lines[-1]}" = "'m/b.~1~' -> 'm/b' (unbackup)" ]
		done
	done
	rm -f m/*
	echo old >m/b
	run zcp --atomic -b big m/b
	assert_failure 1
	[ "$(ls m)" = b ]
	[ "$(cat m/b)" = old ]
}

@test "ulimit -f: the file too large is an error, undone, and the other operands are copied" {
	head -c 3000000 /dev/urandom >s
	echo small >s2
	mkdir o
	echo OLD >o/s
	run bash -c "ulimit -f 1000; '$ZCP' s s2 o/"
	assert_failure 1
	assert_output --partial "File too large"
	[ "$(stat -c %s o/s)" = 0 ]
	cmp s2 o/s2
	run bash -c "ulimit -f 1000; '$ZCP' s o/new"
	assert_failure 1
	[ ! -e o/new ]
}

@test "a backup that would land on the source is refused, as cp refuses it" {
	echo SRC >'d~'
	echo old >d
	run zcp -b 'd~' d
	assert_failure 1
	assert_output "zcp: backing up 'd' might destroy source;  'd~' not copied"
	[ "$(cat d)" = old ]
	[ "$(cat 'd~')" = SRC ]
}

@test "-f onto a read-only file system says what cp says" {
	mkdir ro
	echo old >ro/d
	mount_tmpfs "$T/rw" 1m
	echo old >rw/d
	mount -o remount,ro "$T/rw"
	echo s >s
	run zcp -f s rw/d
	assert_failure 1
	assert_output "zcp: cannot remove 'rw/d': Read-only file system"
	[ "$(cat rw/d)" = old ]
}

@test "--atomic replaces a file whose name is near NAME_MAX" {
	n=$(printf 'x%.0s' $(seq 250))
	echo s >s
	echo old >"$n"
	strace -f -o trace -e inject=openat:error=EOPNOTSUPP:when="$(openat_nth O_TMPFILE "$ZCP" --atomic s "$n")" \
		"$ZCP" --atomic s "$n"
	[ "$(cat "$n")" = s ]
	zcp --atomic s "$n"
	[ "$(cat "$n")" = s ]
	[ "$(ls -A | wc -l)" -le 4 ]
}
