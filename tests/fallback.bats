#!/usr/bin/env bats
# Run-time fallback: a method that says "unsupported" before moving a byte
# hands the file to the next one, and the output is still identical.

load helpers

setup() {
	zcp_setup
	command -v strace >/dev/null || skip "strace not installed"
	mkrand src $((3 << 20))
}
teardown() { zcp_teardown; }

# inject SYSCALL ERRNO: run zcp under strace with SYSCALL failing with ERRNO,
# check strace did inject, and that the copy is still identical.
inject() {
	local call=$1 err=$2
	shift 2
	strace -f -o trace.log -e trace="$call" -e inject="$call":error="$err" \
		"$ZCP" --explain "$@" src dst >explain.out
	grep -q "$err (.*) (INJECTED)" trace.log
	cmp src dst
}

@test "copy_file_range EXDEV falls back to the next method in the default order" {
	inject copy_file_range EXDEV
	grep -q "copy_range: failed: EXDEV, using sendfile" explain.out
	grep -q "sendfile: chosen" explain.out
}

@test "copy_file_range EXDEV falls back to rw when the order says so" {
	inject copy_file_range EXDEV --method=copy_range,rw
	grep -q "copy_range: failed: EXDEV, using rw" explain.out
	grep -q "rw: chosen" explain.out
}

@test "copy_file_range ENOSYS falls back to rw" {
	inject copy_file_range ENOSYS --method=copy_range,rw
	grep -q "copy_range: failed: ENOSYS, using rw" explain.out
}

@test "copy_file_range EOPNOTSUPP falls back to rw" {
	inject copy_file_range EOPNOTSUPP --method=copy_range,rw
	grep -q "copy_range: failed: EOPNOTSUPP, using rw" explain.out
}

@test "copy_file_range EINVAL falls back to rw" {
	inject copy_file_range EINVAL --method=copy_range,rw
	grep -q "copy_range: failed: EINVAL, using rw" explain.out
}

@test "an EXDEV is learned once per pair of file systems, not per file" {
	mkdir t
	# (40 KB: over what an io_uring batch takes, so each file has a method)
	for i in 1 2 3 4 5; do mkrand "t/f$i" 40000; done
	strace -f -o trace.log -e trace=copy_file_range -e inject=copy_file_range:error=EXDEV \
		"$ZCP" -r --jobs=1 t t2
	diff -r t t2
	[ "$(grep -c INJECTED trace.log)" -eq 1 ]
	# Workers share what is learned; two may try at once before it is.
	strace -f -o trace.log -e trace=copy_file_range -e inject=copy_file_range:error=EXDEV \
		"$ZCP" -r --jobs=2 t t3
	diff -r t t3
	[ "$(grep -c INJECTED trace.log)" -le 2 ]
}

@test "an error that is not 'unsupported' fails the file and is reported" {
	strace -f -o trace.log -e trace=copy_file_range -e inject=copy_file_range:error=EIO \
		"$ZCP" src dst 2>err.out && false
	grep -q INJECTED trace.log
	grep -q "Input/output error" err.out
}

@test "a failure after bytes moved is not retried by another method" {
	strace -f -o trace.log -e trace=pread64 -e inject=pread64:error=EIO:when=3 \
		"$ZCP" --method=rw,copy_range src dst 2>err.out && false
	grep -q INJECTED trace.log
	grep -q "error reading 'src': Input/output error" err.out
}

@test "FICLONE failing on btrfs falls back to copy_range" {
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 1G
	cp src b/src
	cd b
	strace -f -o ../trace.log -e trace=ioctl -e inject=ioctl:error=EOPNOTSUPP \
		"$ZCP" --explain src dst >../explain.out
	grep -q "FICLONE.*EOPNOTSUPP.*(INJECTED)" ../trace.log
	cmp src dst
	grep -q "clone: failed: EOPNOTSUPP, using copy_range" ../explain.out
}
