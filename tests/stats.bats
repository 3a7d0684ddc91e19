#!/usr/bin/env bats
# --stats counts what really happened: strace -f -c on the same run agrees.

load helpers

setup() {
	zcp_setup
	command -v strace >/dev/null || skip "strace not installed"
	command -v jq >/dev/null || skip "jq not installed"
}
teardown() { zcp_teardown; }

@test "rw: counts agree with strace, 2 x size across the boundary" {
	need_plain_build
	agree rw "$T"
	[ "$BYTES_USER" -eq $((2 * (256 << 20))) ]
}

@test "copy_range: counts agree with strace, 0 bytes across the boundary" {
	need_plain_build
	agree copy_range "$T"
	[ "$BYTES_USER" -eq 0 ]
}

@test "clone: counts agree with strace on btrfs, 0 bytes across the boundary" {
	need_plain_build
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 2G
	agree clone "$T/b"
	[ "$BYTES_USER" -eq 0 ]
}

@test "counts agree with -v and text output too (the messages are writes)" {
	need_plain_build
	mk_tree200 t
	strace -f -c -o trace.txt "$ZCP" -rv --stats=json t t2 >out.txt
	# the JSON report is the last line; before it a line per file and directory (1 + 7 + 200)
	tail -n 1 out.txt >s.json
	strace_agrees trace.txt s.json
	[ "$(grep -c " -> " out.txt)" -eq 208 ]
}

@test "--stats=json is valid JSON with per-file records; odd names are escaped, not dropped" {
	printf 'x' >"$(printf 'bad\377name')"
	printf 'y' >'quote"back\slash'
	printf 'z' >"$(printf 'tab\there')"
	mkdir o
	zcp --stats=json ./* o >s.json 2>err || true
	python3 - s.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = sorted(f["source"].encode("utf-8", "surrogateescape") for f in d["files"])
assert names == sorted([b"./bad\xffname", b'./quote"back\\slash', b"./tab\there"]), names
for f in d["files"]:
    assert f["bytes_copied"] == 1 and f["method"], f
assert "model" in d and "mode_switches" in d["model"]
assert d["measured"]["files"] == 3
PY
	jq -e '.measured.syscalls.openat >= 6' s.json
}

@test "--stats text labels the model as a model" {
	echo hello >a
	run zcp --stats a b
	assert_success
	assert_output --partial "zcp stats (measured)"
	assert_output --partial "zcp stats (model, not measured)"
	assert_output --regexp "copy_file_range +1"
}

@test "with DEST '-' the report goes to stderr, the data alone to stdout" {
	mkrand a 5000
	zcp --stats a - >out 2>err
	cmp a out
	grep -q "zcp stats (measured)" err
}
