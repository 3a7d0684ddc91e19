#!/usr/bin/env bats
# --explain names the method the plan promises for each pair, and why;
# --debug gives one line per file.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

@test "--explain: regular to regular on ext4 is copy_range, clone skipped with reason" {
	mkrand a 10000
	run zcp --explain a b
	assert_success
	assert_line "'a' -> 'b'"
	assert_line "  source: regular file, 10000 bytes, ext4, 0 holes"
	assert_line "  dest:   regular file (new), ext4"
	assert_line "  clone: skipped: the file system does not share extents"
	assert_line --regexp "^  copy_range: chosen: "
	cmp a b
}

@test "--explain counts the holes of a sparse source" {
	truncate -s 10M sp
	echo x | dd of=sp bs=1 seek=5M conv=notrunc status=none
	run zcp --explain sp sp2
	assert_success
	assert_line "  source: regular file, 10485760 bytes, ext4, 2 holes"
	cmp sp sp2
}

@test "--explain: into an existing file says so" {
	echo new >a
	echo old >b
	run zcp --explain a b
	assert_line "  dest:   regular file (existing), ext4"
}

@test "--explain: a /proc file goes by rw, and says why the others were skipped" {
	run zcp --explain /proc/version v
	assert_success
	assert_line --regexp "^  source: regular file, size unknown \(proc\)"
	assert_line --regexp "^  copy_range: skipped: the source's size is not to be trusted"
	assert_line --regexp "^  rw: chosen: "
}

@test "--explain: clone is chosen on btrfs" {
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 1G
	mkrand b/a 100000
	cd b
	run zcp --explain a c
	assert_success
	assert_line "  source: regular file, 100000 bytes, btrfs, 0 holes"
	assert_line --regexp "^  clone: chosen: "
	assert_line "  fallback: copy_range, sendfile, uring_splice, mmap, rw"
	cmp a c
}

@test "--explain: ext4 to tmpfs skips copy_range for EXDEV" {
	need_root
	mount_tmpfs "$T/tm" 64m
	mkrand a 100000
	run zcp --explain a tm/a
	assert_success
	assert_line "  dest:   regular file (new), tmpfs"
	assert_line "  copy_range: skipped: different file system types: copy_file_range gives EXDEV"
	cmp a tm/a
}

@test "--explain with DEST '-' goes to stderr, the data alone to stdout" {
	mkrand a 3000
	zcp --explain a - >out 2>err
	cmp a out
	grep -q "^'a' -> '-'" err
}

@test "--debug: cp 9.2's lines (it implies -v), then the method" {
	mkrand a 100
	run zcp --debug a b
	assert_success
	assert_line --index 0 "'a' -> 'b'"
	assert_line --index 1 "copy offload: yes, reflink: unsupported, sparse detection: no"
	assert_line --index 2 "zcp method: copy_range"
	mount_tmpfs "$T/tm" 16m
	truncate -s 1M sp
	echo data >>sp
	run zcp --debug sp tm/sp
	assert_success
	assert_line --index 1 "copy offload: avoided, reflink: unsupported, sparse detection: SEEK_HOLE"
	assert_line --index 2 "zcp method: sendfile"
	run zcp --debug --reflink=never --sparse=always --method=rw a c
	assert_line --index 1 "copy offload: no, reflink: no, sparse detection: zeros"
	run bash -c "echo x | '$ZCP' --debug --method=copy_range,rw - d"
	assert_line --index 1 "copy offload: avoided, reflink: no, sparse detection: no"
}

# The plan for each kind of pair, as README.md's "Choosing a method" says.

@test "--explain: file to /dev/null is sendfile" {
	mkrand a 100000
	run zcp --explain a /dev/null
	assert_success
	assert_line "  dest:   character device"
	assert_line --regexp "^  sendfile: chosen: "
}

@test "--explain: a tty as destination is rw (nothing splices into a tty)" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	printf 'hello tty\n' >a
	script -qec "$ZCP --explain a /dev/tty" /dev/null >out </dev/null
	grep -q "dest:   tty" out
	grep -q "rw: chosen" out
	grep -q "hello tty" out
}

@test "--explain: a socket as source is uring_splice, as destination sendfile" {
	command -v socat >/dev/null || skip "socat not installed"
	mkrand a $((2 << 20))
	timeout 30 socat -u UNIX-LISTEN:s1 CREATE:from_zcp &
	for _ in $(seq 50); do [ -S s1 ] && break; sleep 0.1; done
	# -U: the data flows from zcp's standard output into the socket
	timeout 30 socat -U UNIX-CONNECT:s1 EXEC:"$ZCP --explain a -",nofork 2>e1
	wait
	cmp a from_zcp
	grep -q "dest:   socket" e1
	grep -q "sendfile: chosen" e1
	timeout 30 socat -u FILE:a UNIX-LISTEN:s2 &
	for _ in $(seq 50); do [ -S s2 ] && break; sleep 0.1; done
	timeout 30 socat -u UNIX-CONNECT:s2 EXEC:"$ZCP --explain - b",nofork >e2
	wait
	cmp a b
	grep -q "source: socket" e2
	grep -q "uring_splice: chosen" e2
}

@test "--explain: a character device as source is rw" {
	run zcp --explain /dev/null n
	assert_success
	assert_line "  source: character device"
	assert_line --regexp "^  rw: chosen: "
	[ ! -s n ]
}

@test "--explain=json: an object a line with the text's facts, valid for any name" {
	mkrand a 10000
	zcp --explain a b >text
	zcp --explain=json a c >json
	jq -e '.source == "a" and .dest == "c" and .src.size == 10000 and .src.kind == "regular file" and .dst.new == true' json
	# the same methods in the same states as the text says
	[ "$(jq -r '.methods[] | select(.state == "chosen") | .method' json)" = \
	  "$(sed -n 's/^  \([a-z_]*\): chosen: .*/\1/p' text)" ]
	[ "$(jq -r '[.methods[] | select(.state == "skipped") | .method] | join(" ")' json)" = \
	  "$(sed -n 's/^  \([a-z_]*\): skipped: .*/\1/p' text | paste -sd' ')" ]
	[ "$(jq -r '[.methods[] | select(.state == "fallback") | .method] | join(", ")' json)" = \
	  "$(sed -n 's/^  fallback: //p' text)" ]
	[ "$(jq -r .used json)" = "$(jq -r '.methods[] | select(.state == "chosen") | .method' json)" ]
	cmp a c
	# a dry run of a tree with odd names: every line parses, nothing made
	mkdir -p t/sub
	printf 'x' >"t/$(printf 'bad\377\nname')"
	ln -s sub t/link
	zcp -r --dry-run --explain=json t u >dry
	[ ! -e u ]
	python3 - <<'PY'
import json, os
lines = open("dry", "rb").read().decode("utf-8").splitlines()
objs = [json.loads(l) for l in lines]
names = {os.fsencode(o["source"]) for o in objs}
assert names == {b"t", b"t/sub", b"t/link", b"t/bad\xff\nname"}, names
assert all(o["used"] is None for o in objs if "methods" in o)
assert sum("dry_run" in o for o in objs) == 3, objs
PY
	run zcp --explain=xml a d
	assert_failure 1
	assert_line --partial "invalid argument"
}
