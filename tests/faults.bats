#!/usr/bin/env bats
# No half files (issue 7): every method, forced with --method, meets real
# errors from the kernel: EIO on read and EIO or ENOSPC on write from a FUSE
# file system that fails on command (tests/faultfs.py), and ENOSPC from a
# small tmpfs. After each: exit 1, cp's message, and no file left that zcp
# created; an existing destination already truncated is left empty (same
# inode) and said so. --atomic keeps the old destination whole.
#
# clone is not here: a clone is one call that shares extents or fails
# before it changes anything, so it has no partial state to clean up, and
# no file system here makes FICLONE fail half-way.

load helpers

setup() {
	zcp_setup
	FAULT_PIDS=()
}
teardown() { faults_teardown; }

MIB=$((1 << 20))
# The source is 3 MiB; faults come past 1 MiB, so that each method has
# written something (or truncated the old file) when it meets one.
SIZE=$((3 * MIB))
AT=$MIB
NOSPC="No space left on device"
IOERR="Input/output error"

# pair M SIDE: a FUSE mount $T/fm of $T/fb, a source $S (3 MiB) and a
# small second operand $SMALL (64 KiB, below every fault), a destination
# directory $D (its real place: $DB). SIDE "read": the source is on the
# mount; "write": the destination directory is. copy_range moves bytes
# only within one file system: both are on the mount for it.
pair() {
	local m=$1 side=$2
	mount_faultfs "$T/fb" "$T/fm"
	if [ "$side" = read ] || [ "$m" = copy_range ]; then
		S=fm/src SMALL=fm/small SB=fb
	else
		S=src SMALL=small SB=.
	fi
	mkrand "$SB/src" $SIZE
	mkrand "$SB/small" 65536
	if [ "$side" = write ] || [ "$m" = copy_range ]; then
		D=fm/d DB=fb/d
	else
		D=d DB=d
	fi
	mkdir "$DB"
}

# old_dest: an existing destination $DB/src (2 MiB, other content);
# remembers its inode and hash.
old_dest() {
	mkrand "$DB/src" $((2 * MIB))
	OLD_INO=$(stat -c %i "$DB/src")
	OLD_SUM=$(sha256sum <"$DB/src")
}

# only_small: the destination directory holds the second operand, copied
# byte for byte, and nothing else (no half file, no temporary file).
only_small() {
	assert_equal "$(ls -A "$DB" | tr '\n' ' ')" "small "
	cmp "$SB/small" "$DB/small"
}

# left_empty: the existing destination is empty, the same inode, and
# the message says why; beside it only the second operand.
left_empty() {
	assert_equal "$(ls -A "$DB" | tr '\n' ' ')" "small src "
	cmp "$SB/small" "$DB/small"
	assert_equal "$(stat -c %s "$DB/src")" 0
	assert_equal "$(stat -c %i "$DB/src")" "$OLD_INO"
	assert_line "zcp: '$D/src' was truncated before the error and is left empty"
}

# kept_old: --atomic left the existing destination as it was.
kept_old() {
	assert_equal "$(ls -A "$DB" | tr '\n' ' ')" "small src "
	cmp "$SB/small" "$DB/small"
	assert_equal "$(stat -c %i "$DB/src")" "$OLD_INO"
	assert_equal "$(sha256sum <"$DB/src")" "$OLD_SUM"
	refute_output --partial "left empty"
}

# read_msg M ERR, write_msg M ERR: cp's message for the failed copy of $S
# to $D/src. A call that moves the bytes inside the kernel names both files,
# as cp's copy_file_range does, when the error does not say which side
# failed: always for copy_range, and EIO for sendfile (ENOSPC can only be
# the destination's).
both_sides() {
	[ "$1" = copy_range ] || { [ "$1" = sendfile ] && [ "$2" = "$IOERR" ]; }
}
read_msg() {
	if both_sides "$1" "$2"; then
		echo "zcp: error copying '$S' to '$D/src': $2"
	else
		echo "zcp: error reading '$S': $2"
	fi
}
write_msg() {
	if both_sides "$1" "$2"; then
		echo "zcp: error copying '$S' to '$D/src': $2"
	else
		echo "zcp: error writing '$D/src': $2"
	fi
}

# then_copies M [OPT]: with the fault gone, the same copy works (the
# failure above was the fault's, not the set-up's).
then_copies() {
	fault_clear
	zcp --method="$1" ${2:+"$2"} "$S" "$D"
	cmp "$SB/src" "$DB/src"
}

# -- EIO reading a FUSE source ------------------------------------------------
# (mmap: the destination, open write-only, is not mapped: the page of the
# source that cannot be read makes pwrite fail with EFAULT, not SIGBUS; the
# SIGBUS path, into a mapped standard output, is in methods_zero.bats.)

read_eio_new() {
	pair "$1" read
	fault_rule read eio /src $AT
	run zcp --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(read_msg "$1" "$IOERR")"
	only_small
	then_copies "$1"
}

read_eio_old() {
	pair "$1" read
	old_dest
	fault_rule read eio /src $AT
	run zcp --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(read_msg "$1" "$IOERR")"
	left_empty
}

@test "copy_range: EIO reading: the new file is removed" { read_eio_new copy_range; }
@test "sendfile: EIO reading: the new file is removed" { read_eio_new sendfile; }
@test "uring_splice: EIO reading: the new file is removed" { read_eio_new uring_splice; }
@test "mmap: EIO reading: the new file is removed" { read_eio_new mmap; }
@test "rw: EIO reading: the new file is removed" { read_eio_new rw; }

@test "copy_range: EIO reading: an existing file is left empty" { read_eio_old copy_range; }
@test "sendfile: EIO reading: an existing file is left empty" { read_eio_old sendfile; }
@test "uring_splice: EIO reading: an existing file is left empty" { read_eio_old uring_splice; }
@test "mmap: EIO reading: an existing file is left empty" { read_eio_old mmap; }
@test "rw: EIO reading: an existing file is left empty" { read_eio_old rw; }

# -- ENOSPC and EIO writing to a FUSE destination -----------------------------

write_err_new() {
	local m=$1 err=$2 msg=$3
	pair "$m" write
	fault_rule write "$err" '*' $AT
	run zcp --method="$m" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$m" "$msg")"
	only_small
	then_copies "$m"
}

write_err_old() {
	local m=$1 err=$2 msg=$3
	pair "$m" write
	old_dest
	fault_rule write "$err" '*' $AT
	run zcp --method="$m" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$m" "$msg")"
	left_empty
}

@test "copy_range: ENOSPC writing: the new file is removed" { write_err_new copy_range enospc "$NOSPC"; }
@test "sendfile: ENOSPC writing: the new file is removed" { write_err_new sendfile enospc "$NOSPC"; }
@test "uring_splice: ENOSPC writing: the new file is removed" { write_err_new uring_splice enospc "$NOSPC"; }
@test "mmap: ENOSPC writing: the new file is removed" { write_err_new mmap enospc "$NOSPC"; }
@test "rw: ENOSPC writing: the new file is removed" { write_err_new rw enospc "$NOSPC"; }

@test "copy_range: ENOSPC writing: an existing file is left empty" { write_err_old copy_range enospc "$NOSPC"; }
@test "sendfile: ENOSPC writing: an existing file is left empty" { write_err_old sendfile enospc "$NOSPC"; }
@test "uring_splice: ENOSPC writing: an existing file is left empty" { write_err_old uring_splice enospc "$NOSPC"; }
@test "mmap: ENOSPC writing: an existing file is left empty" { write_err_old mmap enospc "$NOSPC"; }
@test "rw: ENOSPC writing: an existing file is left empty" { write_err_old rw enospc "$NOSPC"; }

@test "copy_range: EIO writing: the new file is removed" { write_err_new copy_range eio "$IOERR"; }
@test "sendfile: EIO writing: the new file is removed" { write_err_new sendfile eio "$IOERR"; }
@test "uring_splice: EIO writing: the new file is removed" { write_err_new uring_splice eio "$IOERR"; }
@test "mmap: EIO writing: the new file is removed" { write_err_new mmap eio "$IOERR"; }
@test "rw: EIO writing: the new file is removed" { write_err_new rw eio "$IOERR"; }

@test "copy_range: EIO writing: an existing file is left empty" { write_err_old copy_range eio "$IOERR"; }
@test "sendfile: EIO writing: an existing file is left empty" { write_err_old sendfile eio "$IOERR"; }
@test "uring_splice: EIO writing: an existing file is left empty" { write_err_old uring_splice eio "$IOERR"; }
@test "mmap: EIO writing: an existing file is left empty" { write_err_old mmap eio "$IOERR"; }
@test "rw: EIO writing: an existing file is left empty" { write_err_old rw eio "$IOERR"; }

# -- a real full file system: a 4 MiB tmpfs -----------------------------------

# tmpfs_full: source (1.5 MiB), second operand and destination directory
# all in a 4 MiB tmpfs (one file system: copy_range works too), 1.25 MiB
# of it taken by tm/filler: the copy finds 1.2 MiB free at most.
tmpfs_full() {
	mount_tmpfs tm 4m
	mkrand tm/filler $((5 * MIB / 4))
	mkrand tm/src $((3 * MIB / 2))
	mkrand tm/small 65536
	mkdir tm/d
	S=tm/src SMALL=tm/small SB=tm D=tm/d DB=tm/d
}

tmpfs_new() {
	tmpfs_full
	run zcp --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$1" "$NOSPC")"
	only_small
}

tmpfs_old() {
	tmpfs_full
	mkrand "$DB/src" $((MIB / 4))
	OLD_INO=$(stat -c %i "$DB/src")
	run zcp --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$1" "$NOSPC")"
	left_empty
}

@test "copy_range: a full tmpfs: the new file is removed" { tmpfs_new copy_range; }
@test "sendfile: a full tmpfs: the new file is removed" { tmpfs_new sendfile; }
@test "uring_splice: a full tmpfs: the new file is removed" { tmpfs_new uring_splice; }
@test "mmap: a full tmpfs: the new file is removed" { tmpfs_new mmap; }
@test "rw: a full tmpfs: the new file is removed" { tmpfs_new rw; }

@test "copy_range: a full tmpfs: an existing file is left empty" { tmpfs_old copy_range; }
@test "sendfile: a full tmpfs: an existing file is left empty" { tmpfs_old sendfile; }
@test "uring_splice: a full tmpfs: an existing file is left empty" { tmpfs_old uring_splice; }
@test "mmap: a full tmpfs: an existing file is left empty" { tmpfs_old mmap; }
@test "rw: a full tmpfs: an existing file is left empty" { tmpfs_old rw; }

# -- --atomic: the old destination stays whole --------------------------------

atomic_tmpfs() {
	tmpfs_full
	mkrand "$DB/src" $((MIB / 4))
	OLD_INO=$(stat -c %i "$DB/src")
	OLD_SUM=$(sha256sum <"$DB/src")
	run zcp --atomic --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$1" "$NOSPC")"
	kept_old
	# with room, the same copy replaces it: a new inode
	rm tm/filler
	zcp --atomic --method="$1" "$S" "$D"
	cmp "$S" "$DB/src"
	[ "$(stat -c %i "$DB/src")" != "$OLD_INO" ]
}

atomic_read_eio() {
	pair "$1" read
	old_dest
	fault_rule read eio /src $AT
	run zcp --atomic --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(read_msg "$1" "$IOERR")"
	kept_old
	then_copies "$1" --atomic
	[ "$(stat -c %i "$DB/src")" != "$OLD_INO" ]
}

# FUSE has no O_TMPFILE: the hidden-name way, which must clean up after
# itself, and put the copy in place by its name when it succeeds.
atomic_write_eio() {
	pair "$1" write
	old_dest
	fault_rule write eio '*' $AT
	: >"$FAULT_CTL.log"
	run zcp --atomic --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$1" "$IOERR")"
	kept_old
	fault_tmp_gone /d src small
	: >"$FAULT_CTL.log"
	then_copies "$1" --atomic
	[ "$(stat -c %i "$DB/src")" != "$OLD_INO" ]
	grep -Eq '^(rename|link) /d/[^ ]+ /d/src$' "$FAULT_CTL.log"
}

atomic_new() {
	pair "$1" read
	fault_rule read eio /src $AT
	run zcp --atomic --method="$1" "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(read_msg "$1" "$IOERR")"
	only_small
	then_copies "$1" --atomic
}

@test "copy_range: --atomic keeps the old file on a full tmpfs" { atomic_tmpfs copy_range; }
@test "sendfile: --atomic keeps the old file on a full tmpfs" { atomic_tmpfs sendfile; }
@test "uring_splice: --atomic keeps the old file on a full tmpfs" { atomic_tmpfs uring_splice; }
@test "mmap: --atomic keeps the old file on a full tmpfs" { atomic_tmpfs mmap; }
@test "rw: --atomic keeps the old file on a full tmpfs" { atomic_tmpfs rw; }

@test "copy_range: --atomic keeps the old file on EIO reading" { atomic_read_eio copy_range; }
@test "sendfile: --atomic keeps the old file on EIO reading" { atomic_read_eio sendfile; }
@test "uring_splice: --atomic keeps the old file on EIO reading" { atomic_read_eio uring_splice; }
@test "mmap: --atomic keeps the old file on EIO reading" { atomic_read_eio mmap; }
@test "rw: --atomic keeps the old file on EIO reading" { atomic_read_eio rw; }

@test "copy_range: --atomic keeps the old file on EIO writing (no temp left)" { atomic_write_eio copy_range; }
@test "sendfile: --atomic keeps the old file on EIO writing (no temp left)" { atomic_write_eio sendfile; }
@test "uring_splice: --atomic keeps the old file on EIO writing (no temp left)" { atomic_write_eio uring_splice; }
@test "mmap: --atomic keeps the old file on EIO writing (no temp left)" { atomic_write_eio mmap; }
@test "rw: --atomic keeps the old file on EIO writing (no temp left)" { atomic_write_eio rw; }

@test "copy_range: --atomic of a new file leaves nothing on failure" { atomic_new copy_range; }
@test "sendfile: --atomic of a new file leaves nothing on failure" { atomic_new sendfile; }
@test "uring_splice: --atomic of a new file leaves nothing on failure" { atomic_new uring_splice; }
@test "mmap: --atomic of a new file leaves nothing on failure" { atomic_new mmap; }
@test "rw: --atomic of a new file leaves nothing on failure" { atomic_new rw; }

# -- --fsync ------------------------------------------------------------------

# A file system whose fsync fails: without --fsync the copy is not flushed
# and succeeds; with it, the failed flush is a failed copy, and removed.
@test "--fsync flushes each file, and a failed flush fails the copy" {
	pair rw write
	fault_rule fsync eio /d/src 0
	zcp "$S" "$D"
	cmp "$SB/src" "$DB/src"
	rm "$DB/src"
	run zcp --fsync "$S" "$SMALL" "$D"
	[ "$status" -eq 1 ]
	assert_line "$(write_msg "$1" "$IOERR")"
	only_small
	fault_clear
	zcp --fsync "$S" "$D"
	cmp "$SB/src" "$DB/src"
}

# -- the harness itself ---------------------------------------------------------

# With no rule, faultfs passes everything through: zcp -a onto it (create,
# write, hard link, symlink, chmod, chown, utimens, xattrs unsupported)
# gives what it gives on ext4, as GNU cp -a does.
@test "faultfs: with no rule, a faithful destination for zcp -a and cp -a" {
	mount_faultfs "$T/fb" "$T/fm"
	mkdir -p t/a/b
	mkrand t/a/f 100000
	chmod 640 t/a/f
	chown 1234:5678 t/a/f
	ln -s f t/a/l
	ln t/a/f t/a/b/h
	touch -h -d 2001-01-01 t/a/f t/a/l
	zcp -a t fm/z
	cp -a t fm/c
	assert_equal "$(tree_snapshot fm/z times)" "$(tree_snapshot t times)"
	assert_equal "$(tree_snapshot fm/c times)" "$(tree_snapshot t times)"
}

# GNU cp, the oracle for the messages above, meets the same faults.
@test "faultfs: GNU cp meets each fault with the message the tests expect of zcp" {
	mount_faultfs "$T/fb" "$T/fm"
	mkrand fb/src $SIZE
	mkdir fb/d
	fault_rule read eio /src $AT
	run cp fm/src out
	[ "$status" -eq 1 ]
	assert_output "cp: error reading 'fm/src': $IOERR"
	fault_clear
	mkrand src $SIZE
	for e in enospc:"$NOSPC" eio:"$IOERR"; do
		fault_clear
		fault_rule write "${e%%:*}" '*' $AT
		run cp src fm/d/x
		[ "$status" -eq 1 ]
		assert_output "cp: error writing 'fm/d/x': ${e#*:}"
		# cp leaves the half file that zcp removes
		assert_equal "$(stat -c %s fb/d/x)" $AT
		cmp -n $AT src fb/d/x
	done
}
