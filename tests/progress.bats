#!/usr/bin/env bats
# --progress: a line of the copy so far on stderr, drawn by a thread of its
# own; on a terminal only, unless told; --progress=json for programs.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

# wait_for CMD...: until CMD succeeds (60 s at most).
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

@test "--progress=json: an object a line while the copy goes, the last one done and whole" {
	mkfifo fifo
	mkrand data 100000
	"$ZCP" --progress=json fifo out 2>p.json &
	local pid=$!
	exec 7>fifo
	cat data >&7
	# the first half is counted while the source is still open
	wait_for grep -q '"bytes":100000,' p.json
	cat data >&7
	exec 7>&-
	wait "$pid"
	cmp <(cat data data) out
	python3 - <<'PY'
import json
lines = [json.loads(l) for l in open("p.json")]
assert lines[-1]["done"] is True and lines[-1]["bytes"] == 200000 and lines[-1]["files"] == 1, lines[-1]
assert all(not l["done"] for l in lines[:-1])
assert all(l["total_bytes"] is None for l in lines)  # a fifo's size is not known
b = [l["bytes"] for l in lines]
assert b == sorted(b), b
assert 100000 in b
PY
}

@test "--progress is silent when stderr is not a terminal; --progress=always is not" {
	mkrand a 100000
	"$ZCP" --progress a b 2>err
	[ ! -s err ]
	"$ZCP" --progress=always a c 2>err
	grep -q "97.7 KiB of 97.7 KiB (100%), 1 of 1 files" err
	[ "$(tail -c 1 err | od -An -c | tr -d ' ')" = '\n' ]
	cmp a b
	cmp a c
}

@test "--progress on a terminal (script's pseudo-terminal): the line is drawn, a tree's total counted; a list's said not counted" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	mkrand a 100000
	mkdir -p t/d
	mkrand t/d/f 5000
	script -qec "$ZCP --progress a b" /dev/null >out
	grep -q "(100%), 1 of 1 files" out
	script -qec "$ZCP --progress -r t u" /dev/null >out
	grep -q "4.9 KiB, 1 of 1 files (100%)" out
	echo t/d/f >list
	mkdir v
	script -qec "$ZCP --progress --files-from=list -t v" /dev/null >out
	grep -q "4.9 KiB, 1 files, .*(total not counted)" out
	cmp a b
	diff -r t u
	cmp t/d/f v/f
}

@test "--progress=json: a tree's total is counted beside the copy (null until done), then exact: its regular files with the file operands; small files' bytes are not counted" {
	mk_tree200 t
	mkdir -p t/e/f/g
	ln -s ../d1/f1 t/e/link
	mkfifo t/e/fifo
	mkrand one 12345
	mkdir dest
	"$ZCP" -r --progress=json one t dest 2>p.json
	assert_equal "$(tree_snapshot dest/t)" "$(tree_snapshot t)"
	local bytes
	bytes=$(($(find t -type f -printf '%s+') 12345))
	python3 - "$bytes" <<'PY'
import json, sys
lines = [json.loads(l) for l in open("p.json")]
want = int(sys.argv[1])
for l in lines:
    assert isinstance(l["counting"], bool), l
    if l["counting"]:
        assert l["total_bytes"] is None and l["total_files"] is None, l
    else:
        assert (l["total_bytes"], l["total_files"]) == (None, 201), (l, want)
last = lines[-1]
assert last["done"] and not last["counting"], last
assert (last["bytes"], last["files"]) == (want, 201), last
PY
}

@test "--progress: a tree of large files gets its bytes' total (a stat each); one of small files a stat in 64 files" {
	mkdir -p big/d small
	for i in 1 2 3; do mkrand big/d/f$i $((2 << 20)); done
	"$ZCP" -r --progress=json big b2 2>p.json
	diff -r big b2
	jq -s -e 'map(select(.counting | not)) |
		length > 0 and all(.total_bytes == 6291456 and .total_files == 3)' p.json
	jq -s -e '.[-1].done and .[-1].bytes == 6291456' p.json
	for d in $(seq 1 10); do
		mkdir small/d$d
		for i in $(seq 1 64); do echo $i >small/d$d/f$i; done
	done
	"$ZCP" -r --stats=json small s1 >plain.json
	"$ZCP" -r --stats=json --progress=json small s2 >prog.json 2>p.json
	diff -r small s2
	local more=$(($(jq .measured.syscalls.newfstatat prog.json) - $(jq .measured.syscalls.newfstatat plain.json)))
	[ "$more" -ge 10 ] && [ "$more" -le 12 ]
	jq -s -e '.[-1].total_files == 640 and .[-1].total_bytes == null' p.json
}

@test "--progress: its thread's calls are counted; strace agrees" {
	need_plain_build
	mk_tree200 t
	strace -f -c -o trace.txt "$ZCP" -r --progress=json --stats=json t u >s.json 2>p.json
	strace_agrees trace.txt s.json
	jq -s -e '.[-1].done and .[-1].files == 200' p.json
	diff -r t u
}

@test "--progress takes auto, always, json, never" {
	run zcp --progress=sometimes a b
	assert_failure 1
	assert_line --regexp "^zcp: invalid argument .sometimes. for .--progress.$"
}

@test "--progress: a large file moved in the kernel goes 64 MiB a call, so the line moves; without it, one call" {
	mkrand big $((256 << 20))
	run "$ZCP" --method=copy_range --stats=json big b1
	assert_success
	[ "$(jq .measured.syscalls.copy_file_range <<<"$output")" -le 2 ]
	"$ZCP" --method=copy_range --progress=always --stats=json big b2 >s.json 2>/dev/null
	[ "$(jq .measured.syscalls.copy_file_range s.json)" -ge 4 ]
	"$ZCP" --method=sendfile --progress=always --stats=json big b3 >s3.json 2>/dev/null
	[ "$(jq .measured.syscalls.sendfile s3.json)" -ge 4 ]
	cmp big b1
	cmp big b2
	cmp big b3
}

@test "--progress: the bytes by way (cloned, in the kernel, through user space), counted as they are copied" {
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 1G
	mkrand "$T/b/f" $((3 << 20))
	"$ZCP" --progress=json "$T/b/f" "$T/b/g" 2>p.json
	jq -s -e '.[-1].bytes_by_way == {"cloned": 3145728, "kernel": 0, "user": 0}' p.json
	script -qec "$ZCP --progress $T/b/f $T/b/h" /dev/null >out
	grep -q "/s (cloned 3.0 MiB)" out
	"$ZCP" --progress=json --method=rw "$T/b/f" u 2>p.json
	jq -s -e '.[-1].bytes_by_way == {"cloned": 0, "kernel": 0, "user": 3145728}' p.json
	"$ZCP" --progress=json --method=sendfile "$T/b/f" k 2>p.json
	jq -s -e '.[-1].bytes_by_way == {"cloned": 0, "kernel": 3145728, "user": 0}' p.json
	cmp "$T/b/f" "$T/b/g" && cmp "$T/b/f" u && cmp "$T/b/f" k
}

@test "--progress: a message starts a line of its own; files kept, linked or in the way count done" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	mkdir PS
	# Long enough for a line or two before the message.
	head -c $((768 << 20)) /dev/zero >PS/a1
	echo x >PS/b2
	mkdir -p PD/PS/b2
	script -qec "$ZCP --jobs=1 -r PS PD --progress=always" /dev/null >out || true
	# A message after a line drawn in place clears it first: never glued
	# to the end of the line.
	grep -aq "zcp: cannot overwrite directory 'PD/PS/b2' with non-directory" out
	[ "$(grep -caP '[^\r]\033\[Kzcp:' out)" -eq 0 ]
	grep -aq "2 of 2 files" out
	mkdir PT
	mkrand PT/l1 3000000
	ln PT/l1 PT/hl
	"$ZCP" -a PT D --progress=json 2>p.json
	jq -s -e '.[-1].files == 2 and .[-1].total_files == 2' p.json
	"$ZCP" -a -n -T PT D --progress=json 2>p.json
	jq -s -e '.[-1].files == 2 and .[-1].total_files == 2 and .[-1].bytes == 0' p.json
	mkdir d1
	"$ZCP" -r PT PT d1 --progress=json 2>p.json
	grep '^{' p.json | jq -s -e '.[-1].files == 2 and .[-1].total_files == 2'
}
