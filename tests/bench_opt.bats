#!/usr/bin/env bats
# --bench runs every applicable method on one pair and prints a table.
# Only the shape of the table is tested here: timings live in make bench.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

@test "--bench lists every method: measured, or skipped with a reason" {
	mkrand a $((4 << 20))
	run zcp --bench=2 a b
	assert_success
	assert_line --regexp "^copy_range +[0-9.]+ +[0-9.]+ +0\.00 "
	assert_line --regexp "^rw +[0-9.]+ +[0-9.]+ +2\.00 "
	assert_line --regexp "^clone +skipped: "
	cmp a b
}

@test "--bench with --method measures only those" {
	mkrand a 100000
	run zcp --bench=1 --method=rw a b
	assert_success
	assert_line --regexp "^rw "
	refute_line --regexp "^copy_range "
}

@test "--bench needs one regular SOURCE and one DEST" {
	run zcp --bench a
	assert_failure 1
	mkdir d
	run zcp --bench d e
	assert_failure 1
	assert_output --partial "--bench needs a regular file"
	run zcp --bench=0 a b
	assert_failure 1
}
