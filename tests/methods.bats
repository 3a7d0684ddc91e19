#!/usr/bin/env bats
# Integrity of the core methods, each forced with --method: clone,
# copy_range and rw. A copy that differs by one byte fails.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

# The rw buffer: st_blksize with a floor of 128 KiB (ext4 and tmpfs: 128 KiB).
RWBUF=131072

SIZES="0 1 4095 4096 4097 $((RWBUF - 1)) $RWBUF $((RWBUF + 1))"

# check_sizes METHOD DIR: every size copies byte for byte in DIR.
check_sizes() {
	local m=$1 dir=$2 s
	for s in $SIZES; do
		mkrand "$dir/src.$s" "$s"
		zcp --method="$m" "$dir/src.$s" "$dir/dst.$s"
		cmp "$dir/src.$s" "$dir/dst.$s"
		[ "$(stat -c %s "$dir/dst.$s")" -eq "$s" ]
	done
	mkrand "$dir/big" $((64 << 20))
	zcp --method="$m" "$dir/big" "$dir/big.copy"
	cmp "$dir/big" "$dir/big.copy"
}

# A 5 GiB sparse file with data at both ends and in the middle.
mk_sparse5g() {
	truncate -s 5G "$1"
	head -c 65536 /dev/urandom | dd of="$1" conv=notrunc status=none
	head -c 65536 /dev/urandom | dd of="$1" bs=1M seek=2560 conv=notrunc status=none
	head -c 65536 /dev/urandom | dd of="$1" bs=65536 seek=$(((5 << 30) / 65536 - 1)) conv=notrunc status=none
}

check_sparse() {
	local m=$1 dir=$2
	mk_sparse5g "$dir/sparse"
	zcp --method="$m" "$dir/sparse" "$dir/sparse.copy"
	[ "$(stat -c %s "$dir/sparse.copy")" -eq $((5 << 30)) ]
	# holes kept: no more blocks than the source
	[ "$(stat -c %b "$dir/sparse.copy")" -le "$(stat -c %b "$dir/sparse")" ]
	cmp "$dir/sparse" "$dir/sparse.copy"
}

check_tree() {
	local m=$1 dir=$2 i
	mkdir -p "$dir/tree"
	for i in $(seq 1 1000); do
		mkdir -p "$dir/tree/d$((i % 10))"
		head -c $((i * 7)) /dev/urandom >"$dir/tree/d$((i % 10))/f$i"
	done
	zcp -r --method="$m" "$dir/tree" "$dir/tree.copy"
	diff -r "$dir/tree" "$dir/tree.copy"
	[ "$(find "$dir/tree.copy" -type f | wc -l)" -eq 1000 ]
}

btrfs_or_skip() {
	need_root
	need_fs btrfs
	mount_image btrfs "$T/btrfs" 8G
}

@test "rw: sizes around the buffer, 64 MiB random" {
	check_sizes rw "$T"
}

@test "copy_range: sizes around the buffer, 64 MiB random" {
	check_sizes copy_range "$T"
}

@test "clone: sizes and 64 MiB random on btrfs, extents really shared" {
	btrfs_or_skip
	check_sizes clone "$T/btrfs"
	command -v filefrag >/dev/null || skip "filefrag not installed"
	sync
	filefrag -v "$T/btrfs/big.copy" | grep -q shared
}

@test "rw: 5 GiB sparse file keeps its holes" {
	check_sparse rw "$T"
}

@test "copy_range: 5 GiB sparse file keeps its holes" {
	check_sparse copy_range "$T"
}

@test "clone: 5 GiB sparse file keeps its holes on btrfs" {
	btrfs_or_skip
	check_sparse clone "$T/btrfs"
}

@test "--sparse=never writes every byte, --sparse=always makes holes of zeros" {
	truncate -s 8M holey
	printf 'x' | dd of=holey bs=1 seek=4M conv=notrunc status=none
	zcp --sparse=never holey full
	cmp holey full
	[ "$(stat -c %b full)" -ge $((8 * 2048)) ]
	head -c 8M /dev/zero >zeros
	printf 'y' >>zeros
	zcp --sparse=always zeros thin
	cmp zeros thin
	[ "$(stat -c %b thin)" -lt 64 ]
	# a trailing run of zeros is a hole too, and the size is kept
	head -c 4096 /dev/urandom >tail
	head -c 1M /dev/zero >>tail
	zcp --sparse=always tail tail.copy
	cmp tail tail.copy
}

@test "/proc files whose st_size is 0 copy completely" {
	[ "$(stat -c %s /proc/version)" -eq 0 ] || skip "/proc/version reports a size here"
	zcp /proc/version v
	cmp /proc/version v
	zcp --method=rw /proc/self/status s
	grep -q '^Name:[[:space:]]*zcp' s
	grep -q '^nonvoluntary_ctxt_switches:' s
	[ "$(wc -l <s)" -eq "$(wc -l </proc/self/status)" ]
	# cpuinfo is longer than one buffer on no machine; meminfo is stable enough
	zcp /proc/cpuinfo c
	[ "$(grep -c '^processor' c)" -eq "$(nproc --all)" ]
}

@test "a method that cannot serve /proc says so and fails" {
	run zcp --method=copy_range /proc/version v
	assert_failure 1
	assert_output --partial "with method copy_range"
	assert_output --partial "not to be trusted"
}

@test "rw: a 1000-file tree" {
	check_tree rw "$T"
}

@test "copy_range: a 1000-file tree" {
	check_tree copy_range "$T"
}

@test "clone: a 1000-file tree on btrfs" {
	btrfs_or_skip
	check_tree clone "$T/btrfs"
}

@test "an unknown method is a clear error" {
	echo x >a
	run zcp --method=teleport a b
	assert_failure 1
	assert_output --partial "unknown method 'teleport'"
	assert_file_not_exist b
}

@test "--method=clone where clone cannot work fails without a wrong copy" {
	mkrand a 10000
	run zcp --method=clone a b
	assert_failure 1
	assert_output --partial "with method clone"
	[ ! -s b ]
}

@test "--reflink=always on ext4 fails as cp does" {
	mkrand a 10000
	run zcp --reflink=always a b
	assert_failure 1
	assert_output --partial "failed to clone 'b' from 'a'"
}

@test "--reflink=always across file systems, and where none can clone: cp's message and errno" {
	mkrand a 10000
	mount_tmpfs "$T/tm" 1m
	cp a tm/x
	# From this file system to the tmpfs, then within the tmpfs (no clones).
	for src in a tm/x; do
		run cp --reflink=always "$src" tm/b
		local cp_status=$status cp_out=$output
		rm -f tm/b
		run zcp --reflink=always "$src" tm/b
		assert_equal "$status" "$cp_status"
		assert_equal "$output" "${cp_out//cp: /zcp: }"
		# (cp leaves the empty file it made; zcp removes what it could not fill)
		assert_not_exist tm/b
	done
}
