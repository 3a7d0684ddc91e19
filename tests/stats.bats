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
	jq -e '.measured.bytes_by_way == {"cloned": 0, "kernel": 0, "user": (256 * 1048576)}' "$T/s.json"
}

@test "copy_range: counts agree with strace, 0 bytes across the boundary" {
	need_plain_build
	agree copy_range "$T"
	[ "$BYTES_USER" -eq 0 ]
	jq -e '.measured.bytes_by_way == {"cloned": 0, "kernel": (256 * 1048576), "user": 0}' "$T/s.json"
}

@test "clone: counts agree with strace on btrfs, 0 bytes across the boundary" {
	need_plain_build
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 2G
	agree clone "$T/b"
	[ "$BYTES_USER" -eq 0 ]
	jq -e '.measured.bytes_by_way == {"cloned": (256 * 1048576), "kernel": 0, "user": 0}' "$T/b/s.json"
	# a tree's ways add up to its bytes
	jq -e '.measured | .bytes_by_way.cloned + .bytes_by_way.kernel + .bytes_by_way.user == .bytes_copied' "$T/b/s2.json"
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

@test "--stats=json stays valid JSON for names of every byte: surrogates, overlong forms, beyond U+10FFFF" {
	mkdir src
	python3 - <<'PY'
import os
names = [bytes([b]) + b"x" for b in range(1, 256) if b not in (0x2e, 0x2f)]
names += [b"\xed\xa0\x80s", b"\xed\xbf\xbfs", b"\xe0\x80\xafo", b"\xc0\xafo", b"\xc1\xbfo",
          b"\xf0\x80\x80\xafo", b"\xf4\x90\x80\x80b", b"\xf5\x80\x80\x80b", b"\xff\xfeb",
          b"\xe2\x82t", b"\xf0\x9f\x98t", b"ok\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
          b"\xed\x9f\xbfok", b"\xee\x80\x80ok", b"\xf4\x8f\xbf\xbfok"]
open("names", "wb").write(b"\0".join(names))
for n in names:
    open(os.path.join(b"src", n), "wb").write(n)
PY
	zcp -r --stats=json src o >s.json
	python3 - <<'PY'
import json, os
names = set(open("names", "rb").read().split(b"\0"))
d = json.load(open("s.json", encoding="utf-8"))
got = {os.fsencode(f["source"]) for f in d["files"]}
assert got == {b"src/" + n for n in names}, sorted(got ^ {b"src/" + n for n in names})[:5]
for n in names:
    assert open(os.path.join(b"o", n), "rb").read() == n
PY
	# A second parser: jq reads the document and every record.
	[ "$(jq '.files | length' s.json)" -eq "$(python3 -c 'print(len(open("names", "rb").read().split(b"\0")))')" ]
}

@test "--stats-file: the JSON report in its own file, -v and the text report alone on stdout; strace agrees with both" {
	need_plain_build
	mk_tree200 t
	strace -f -c -o trace.txt "$ZCP" -rv --stats --stats-file=s.json t t2 >out.txt
	diff -r t t2
	# stdout: the -v lines and the text report, no JSON
	[ "$(grep -c " -> " out.txt)" -eq 208 ]
	[ "$(grep -c "^  stats: " out.txt)" -eq 200 ]
	! grep -q '{' out.txt
	grep -q "zcp stats (measured)" out.txt
	[ "$(jq '.files | length' s.json)" -eq 200 ]
	strace_agrees trace.txt s.json
	# the text report counts the same calls as the file
	[ "$(awk '/system calls: +[0-9]+$/ { print $3 }' out.txt)" -eq "$(jq .measured.syscalls_total s.json)" ]
}

@test "--stats-file alone: nothing on stdout; an existing file is replaced; an unwritable path fails before any copy" {
	echo data >a
	echo old-and-longer-than-the-report-start >s.json
	run zcp --stats-file=s.json a b
	assert_success
	assert_output ""
	jq -e '.measured.files == 1 and .files[0].source == "a"' s.json
	cmp a b
	run zcp --stats-file=no/such/dir/s.json a c
	assert_failure 1
	assert_output "zcp: cannot create statistics file 'no/such/dir/s.json': No such file or directory"
	[ ! -e c ]
}

@test "-a over a tree of symlinks and xattrs: the workers malloc nothing, strace agrees" {
	need_plain_build
	mkdir -p t/d
	for i in $(seq 1 60); do
		echo "$i" >"t/d/f$i"
		ln -s "f$i" "t/d/l$i"
		setfattr -n user.v -v "$i" "t/d/f$i"
	done
	for j in 1 2 8; do
		strace -f -c -o trace$j.txt "$ZCP" -a --jobs=$j --stats=json t t$j >s$j.json
		strace_agrees trace$j.txt s$j.json
		[ "$(getfattr --only-values -n user.v t$j/d/f7)" = 7 ]
		[ "$(readlink t$j/d/l7)" = f7 ]
	done
}

@test "SIGUSR1 prints one line of the progress to stderr, as dd; the copy goes on intact" {
	mkfifo fifo
	mkrand data 100000
	"$ZCP" fifo out 2>err &
	local pid=$! i
	exec 7>fifo	# opened once zcp has, so its handler is in place
	cat data >&7
	for ((i = 0; i < 600; i++)); do
		[ "$(stat -c %s out 2>/dev/null || echo 0)" -ge 100000 ] && break
		sleep 0.1
	done
	kill -USR1 "$pid"
	for ((i = 0; i < 600; i++)); do
		grep -q "bytes copied" err && break
		sleep 0.1
	done
	cat data >&7
	exec 7>&-
	wait "$pid"
	cmp <(cat data data) out
	grep -Eq "^zcp: 0 files, 100000 bytes copied in [0-9]+\.[0-9] s$" err ||
		fail "$(cat err)"
	[ "$(wc -l <err)" -eq 1 ]
}

@test "--stats text labels the model as a model" {
	echo hello >a
	run zcp --stats a b
	assert_success
	assert_output --partial "zcp stats (measured)"
	assert_output --partial "zcp stats (model, not measured)"
	assert_output --partial "bytes by way:          0 cloned, 6 moved in the kernel, 0 through user space"
	assert_output --regexp "copy_file_range +1"
}

@test "with DEST '-' the report goes to stderr, the data alone to stdout" {
	mkrand a 5000
	zcp --stats a - >out 2>err
	cmp a out
	grep -q "zcp stats (measured)" err
}

@test "--stats-file naming a SOURCE or DEST is refused before anything is written: the source is not emptied, no destination made" {
	echo hello >a
	run "$ZCP" a --stats-file=a c
	assert_failure 1
	assert_output "zcp: statistics file 'a' is also a file to copy or copied to"
	[ "$(cat a)" = hello ]
	assert_not_exist c
	run "$ZCP" a b --stats-file=b
	assert_failure 1
	assert_output "zcp: statistics file 'b' is also a file to copy or copied to"
	assert_not_exist b
	# Another file is emptied and written whole.
	echo "an older and longer report than the new one will be, by far" >s.json
	run "$ZCP" a b --stats-file=s.json
	assert_success
	[ "$(jq .measured.files s.json)" -eq 1 ]
	cmp a b
}

@test "--stats-file inside a SOURCE tree, or the --files-from list, is refused before anything is written (--dry-run too)" {
	mkdir -p dr/sub
	echo notes >dr/sub/notes.txt
	echo x >dr/a
	for dry in "" --dry-run; do
		run "$ZCP" $dry --stats-file=dr/sub/notes.txt -r dr out
		assert_failure 1
		assert_output "zcp: statistics file 'dr/sub/notes.txt' is also a file to copy or copied to"
		[ "$(cat dr/sub/notes.txt)" = notes ]
		assert_not_exist out
		# A new name there is not left behind.
		run "$ZCP" $dry --stats-file=dr/sub/new.json -r dr/. out
		assert_failure 1
		assert_not_exist dr/sub/new.json
		assert_not_exist out
	done
	# Through a symlinked path to the same directory.
	ln -s dr/sub via
	run "$ZCP" --stats-file=via/notes.txt -r dr out
	assert_failure 1
	[ "$(cat dr/sub/notes.txt)" = notes ]
	# DEST of -T is no SOURCE: a report inside it is fine.
	mkdir tdst
	run "$ZCP" -rT dr tdst --stats-file=tdst/r.json
	assert_success
	jq -e '.measured.files == 2' tdst/r.json
	cmp dr/a tdst/a
	# Without -r a directory is not copied: no conflict.
	run "$ZCP" --stats-file=dr/s.json dr/a b
	assert_success
	jq -e '.measured.files == 1' dr/s.json
	printf 'dr/a\n' >list
	mkdir t
	run "$ZCP" --files-from=list --stats-file=list -t t
	assert_failure 1
	assert_output "zcp: statistics file 'list' is also a file to copy or copied to"
	[ "$(cat list)" = dr/a ]
	run "$ZCP" --files-from=- --stats-file=list -t t <list
	assert_failure 1
	[ "$(cat list)" = dr/a ]
	assert_not_exist t/a
}

@test "--stats-file met during the copy (a hard link in a tree, a destination to overwrite) is not copied, the rest is, exit 1; a file that was there is left as it was" {
	for jobs in 1 2 8; do
		rm -rf src dst out hl
		mkdir -p src/d dst
		echo keep >src/keep
		echo other >src/d/o
		echo old >dst/keep
		# The report's file is the destination the copy would overwrite.
		run "$ZCP" --jobs=$jobs --stats-file=dst/keep -r src/. dst
		assert_failure 1
		assert_line -n 0 "zcp: will not overwrite statistics file 'dst/./keep' with 'src/./keep'"
		assert_line -n 1 "zcp: statistics file 'dst/keep' is also a file to copy or copied to: not written"
		cmp src/d/o dst/d/o
		[ "$(cat dst/keep)" = old ]
		# A hard link to it inside the source tree is not read, nor emptied.
		echo report >hl
		ln hl src/d/hl
		run "$ZCP" --jobs=$jobs --stats-file=hl -r src out
		assert_failure 1
		assert_line -n 0 "zcp: will not copy statistics file 'src/d/hl'"
		assert_not_exist out/d/hl
		cmp src/keep out/keep
		cmp src/d/o out/d/o
		[ "$(cat src/d/hl)" = report ]
		# One this run made is its own: refused as a destination, then written.
		rm -rf dst && mkdir dst && rm src/d/hl
		echo new >src/new.json
		run "$ZCP" --jobs=$jobs --stats-file=dst/new.json -r src/. dst
		assert_failure 1
		assert_output "zcp: will not overwrite statistics file 'dst/./new.json' with 'src/./new.json'"
		jq -e '.measured.files == 2' dst/new.json
		rm src/new.json
	done
}

@test "--stats-file reached by other paths is never emptied: -L, --files-from entries, a DEST in a directory, a backup's name" {
	mkdir src
	echo precious >outside
	ln -s ../outside src/link
	run "$ZCP" -rL src dst --stats-file=outside
	assert_failure 1
	assert_output --partial "not written"
	[ "$(cat outside)" = precious ]
	echo a >list
	echo A >a
	mkdir d
	run "$ZCP" --files-from=list -t d --stats-file=a
	assert_failure 1
	[ "$(cat a)" = A ]
	assert_not_exist d/a
	echo old >d/b
	echo new >b
	run "$ZCP" b d --stats-file=d/b
	assert_failure 1
	[ "$(cat d/b)" = old ]
	# A destination that -n, -u or -i spare is met all the same.
	mkdir -p s2 d2
	echo a >s2/a
	echo KEEP >S
	ln S d2/a
	touch -d '+1 hour' S
	for o in -n -u --update=none -i; do
		run "$ZCP" $o --stats-file=S s2/a d2 </dev/null
		assert_failure 1
		assert_output --partial "statistics file 'S' is also a file to copy or copied to: not written"
		[ "$(cat S)" = KEEP ]
	done
	# No backup lands on it.
	echo x >d2/b
	echo b >s2/b
	echo KEEP >d2/b~
	run "$ZCP" -b --stats-file=d2/b~ s2/b d2
	assert_failure 1
	assert_output "zcp: cannot backup 'd2/b': File exists"
	[ "$(cat d2/b)" = x ]
	jq -e '.measured.files == 1' d2/b~
	# A backup would take the name of the report this run made: refused.
	echo old >c
	run "$ZCP" -b b c --stats-file=c~
	assert_failure 1
	assert_output "zcp: cannot backup 'c': File exists"
	[ "$(cat c)" = old ]
	jq -e '.measured.files == 1' c~
	# A report that was there is rewritten when nothing met it, streamed
	# aside first when the list is long (3,000 records, past a block).
	mkdir t
	for i in $(seq 3000); do echo "$i" >"t/f$i"; done
	echo junk >r.json
	run "$ZCP" -r t t2 --stats-file=r.json
	assert_success
	jq -e '.measured.files == 3000 and (.files | length) == 3000' r.json
}
