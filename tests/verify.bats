#!/usr/bin/env bats
# --verify (issue 10): each copy flushed, its cached pages dropped, read
# back from storage and compared with its source. Storage that corrupts
# silently is a FUSE file system (tests/faultfs.py) that flips a chosen
# byte on its way to the backing file and reports the write as done.

load helpers

setup() {
	zcp_setup
	FAULT_PIDS=()
}
teardown() { faults_teardown; }

@test "--verify: a good copy passes, every byte counted as verified, a tree with workers too; strace agrees with the counts" {
	need_plain_build
	mkrand src $((3 << 20))
	run "$ZCP" --verify --stats=json src dst
	assert_success
	cmp src dst
	[ "$(jq .measured.bytes_verified <<<"$output")" -eq $((3 << 20)) ]
	# The copy was flushed and its pages dropped before it was read back.
	[ "$(jq .measured.syscalls.fsync <<<"$output")" -eq 1 ]
	[ "$(jq .measured.syscalls.fadvise64 <<<"$output")" -eq 1 ]
	mk_tree200 tree
	strace -f -c -o trace.txt "$ZCP" -r --verify --jobs=2 --stats=json tree tree.copy >s.json
	diff -r tree tree.copy
	[ "$(jq .measured.bytes_verified s.json)" -eq "$(jq .measured.bytes_copied s.json)" ]
	[ "$(jq .measured.syscalls.fadvise64 s.json)" -eq 200 ]
	strace_agrees trace.txt s.json
	# Without --verify nothing is read back.
	run "$ZCP" --stats=json src dst2
	[ "$(jq .measured.bytes_verified <<<"$output")" -eq 0 ]
	[ "$(jq '.measured.syscalls.fadvise64 // 0' <<<"$output")" -eq 0 ]
}

@test "--verify: a byte corrupted on its way to storage is an error naming the file and the offset; the bad copy is not left; the other operands are copied" {
	mount_faultfs "$T/back" "$T/mnt"
	mkrand a $((1 << 20))
	mkrand b 70000
	mkdir mnt/out
	fault_rule write corrupt /out/a 123457
	# The corruption is real: without --verify it goes unnoticed.
	run "$ZCP" a mnt/out/a
	assert_success
	run cmp a mnt/out/a
	assert_failure
	rm mnt/out/a
	run "$ZCP" --verify a b mnt/out
	assert_failure 1
	assert_output "zcp: verify: 'mnt/out/a' differs from 'a' at offset 123457, as read back from storage"
	assert_not_exist mnt/out/a
	cmp b mnt/out/b
}

@test "--verify --atomic: a corrupted copy never takes the name: the old destination stays, no temporary file is left" {
	mount_faultfs "$T/back" "$T/mnt"
	mkrand new 200000
	mkrand old 5000
	cp old mnt/f
	# The temporary file's name is not known ahead: every file written.
	fault_rule write corrupt '*' 0
	run "$ZCP" --verify --atomic new mnt/f
	assert_failure 1
	assert_output --regexp "^zcp: verify: 'mnt/f' differs from 'new' at offset 0, as read back from storage$"
	cmp old mnt/f
	assert_equal "$(ls -A mnt)" f
	fault_clear
	run "$ZCP" --verify --atomic new mnt/f
	assert_success
	cmp new mnt/f
}

@test "--verify: what cannot be read again is copied, not verified (a pipe, a /proc file); an empty file verifies" {
	: >empty
	run "$ZCP" --verify --stats=json empty e2
	assert_success
	[ "$(jq .measured.bytes_verified <<<"$output")" -eq 0 ]
	[ "$(jq .measured.syscalls.fadvise64 <<<"$output")" -eq 1 ]
	run bash -c "printf 'through a pipe' | '$ZCP' --verify --stats=json - p2"
	assert_success
	[ "$(cat p2)" = "through a pipe" ]
	[ "$(jq .measured.bytes_verified <<<"$output")" -eq 0 ]
	[ "$(jq '.measured.syscalls.fadvise64 // 0' <<<"$output")" -eq 0 ]
	run "$ZCP" --verify /proc/version v2
	assert_success
	[ -s v2 ]
}
