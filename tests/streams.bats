#!/usr/bin/env bats
# Streams and devices as cp meets them: a device that takes write(2) but
# not splice, a full device, non-blocking pipes inherited from the caller.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

@test "a full device says 'No space left on device', as cat does" {
	echo hi >f
	run bash -c "'$ZCP' f - >/dev/full"
	assert_failure 1
	assert_output "zcp: error writing '-': No space left on device"
}

@test "a device that refuses splice (EINVAL) before a byte is written gets the data by write(2)" {
	need_root
	[ -w /dev/kmsg ] || skip "/dev/kmsg is not writable here"
	echo "zcp test: kmsg takes write(2), not splice" >f
	run zcp --explain f /dev/kmsg
	assert_success
	assert_line "  sendfile: failed: EINVAL, using uring_splice"
	echo "zcp test: kmsg from a pipe" | zcp - /dev/kmsg
}

@test "a pipe source whose splice the device refuses before taking a byte falls back to rw" {
	need_root
	[ -w /dev/kmsg ] || skip "/dev/kmsg is not writable here"
	run bash -c "echo 'zcp test: stream' | '$ZCP' --explain --method=uring_splice,rw - /dev/kmsg"
	assert_success
	assert_line "  uring_splice: failed: EINVAL, using rw"
}

@test "a non-blocking pipe on standard input is waited for, with every stream method" {
	for m in uring_splice rw; do
		rm -f out
		run python3 "$BATS_TEST_DIRNAME/nonblock.py" in "$ZCP" --method="$m" - out
		assert_output 0
		[ "$(stat -c %s out)" = 400000 ]
		[ "$(tr -d x <out | wc -c)" = 0 ]
	done
}

@test "a non-blocking pipe on standard output is waited for, with every method that writes one" {
	mkrand f $((4 << 20))
	want=$(sha256sum <f | cut -d' ' -f1)
	for m in sendfile uring_splice mmap rw; do
		run python3 "$BATS_TEST_DIRNAME/nonblock.py" out "$ZCP" --method="$m" f -
		assert_output "0 $want"
	done
}
