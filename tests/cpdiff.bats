#!/usr/bin/env bats
# Randomized differential test against GNU cp (tests/cpdiff_gen.py): random
# small trees and random command lines from cp's options, cp and zcp run
# on identical copies, exit status, stdout, stderr and trees compared.
# A fixed seed and 500 cases by default; SEED= and CASES= on demand, and
# CASE=N runs case N of SEED alone (the reproducer a failure prints).

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

@test "zcp agrees with cp on random trees and command lines" {
	command -v python3 >/dev/null || skip "python3 not installed"
	# One tmpfs per side: inode numbers in creation order, so both sides
	# list their directories alike (-v order, message order).
	mount_tmpfs "$T/c" 64m || fail "cannot mount a tmpfs"
	mount_tmpfs "$T/z" 64m || fail "cannot mount a tmpfs"
	local -a sel=(--cases "${CASES:-500}")
	[ -n "${CASE:-}" ] && sel=(--case "$CASE")
	run python3 "$BATS_TEST_DIRNAME/cpdiff_gen.py" --zcp "$ZCP" --c "$T/c" --z "$T/z" \
		--seed "${SEED:-1}" "${sel[@]}"
	echo "$output" | tail -40
	assert_success
	assert_output --regexp '[1-9][0-9]* cases run, 0 failed'
}
