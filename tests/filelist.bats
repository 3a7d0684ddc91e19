#!/usr/bin/env bats
# --files-from and -0: SOURCE operands read from a list, each as if named
# on the command line. GNU cp, given the same entries as arguments, is the
# oracle: the same tree, the same messages, the same exit status.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

# A source tree with names a list must carry: a newline, a leading dash,
# spaces, a byte that is not UTF-8.
odd_tree() {
	mkdir -p s/a/b s/'with space' s/-dash
	printf 'x\n' >s/a/b/x
	printf 'y\n' >s/y
	printf 'n\n' >"s/$(printf 'new\nline')"
	printf 'b\n' >"s/$(printf 'bad\377byte')"
	printf 'd\n' >s/-dash/-f
	printf 'w\n' >'s/with space/w w'
	ln -s y s/ly
}

# against_cp LISTFILE ZCP-OPTION... -- CP-ARGUMENT...: zcp reads LISTFILE
# into c/z; cp gets its entries as arguments into c/c. Trees, stdout,
# stderr and exit status must agree.
against_cp() {
	local list=$1 crc=0 zrc=0
	shift
	local -a zopts=()
	while [ "$1" != -- ]; do zopts+=("$1"); shift; done
	shift
	mkdir -p c/c c/z
	cp "$@" c/c >c.out 2>c.err || crc=$?
	"$ZCP" "${zopts[@]}" --files-from="$list" c/z >z.out 2>z.raw || zrc=$?
	sed "s/^zcp: /cp: /" z.raw >z.err
	sed -i "s|'c/z|'c/c|; s| c/z| c/c|" z.out z.err
	[ "$crc" = "$zrc" ] || fail "exit status: cp $crc, zcp $zrc"
	diff -u c.out z.out
	diff -u c.err z.err
	diff -u <(tree_snapshot c/c) <(tree_snapshot c/z)
}

@test "find -print0 | zcp -0 --files-from=- --parents: odd names, the tree cp makes" {
	odd_tree
	find s -type f -print0 >list
	mapfile -d '' entries <list
	mkdir d dc
	"$ZCP" -0 --files-from=- --parents -t d <list
	cp --parents -t dc "${entries[@]}"
	diff -r d dc
	diff -u <(tree_snapshot dc) <(tree_snapshot d)
	cmp "d/s/$(printf 'new\nline')" "s/$(printf 'new\nline')"
}

@test "a newline list: -r, -a, -v, and every option applies to each entry as in cp" {
	odd_tree
	printf 's/y\ns/a\ns/ly\ns/-dash\n' >list
	against_cp list -rv -- -rv s/y s/a s/ly s/-dash
	rm -rf c
	against_cp list -av -- -av s/y s/a s/ly s/-dash
	rm -rf c
	# without -r a directory is cp's message; the rest is still copied
	against_cp list -v -- -v s/y s/a s/ly s/-dash
}

@test "an empty entry, a missing one and an unreadable one: cp's messages, exit 1, the rest copied" {
	need_root
	odd_tree
	printf 'secret\n' >s/secret
	chmod 000 s/secret
	chmod 755 .
	mkdir c cc && chown nobody c cc
	printf 's/y\n\ns/missing\ns/secret\ns/a/b/x\n' >list
	local rc=0 crc=0
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$ZCP" --files-from=list -t c >out 2>err || rc=$?
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		cp -t cc s/y '' s/missing s/secret s/a/b/x >cout 2>cerr || crc=$?
	[ "$rc" -eq 1 ] && [ "$crc" -eq 1 ]
	diff -u cerr <(sed 's/^zcp: /cp: /' err)
	grep -q "cannot open 's/secret' for reading: Permission denied" err
	cmp s/y c/y
	cmp s/a/b/x c/x
	[ ! -e c/secret ]
	diff -u <(tree_snapshot cc) <(tree_snapshot c)
}

@test "the last entry needs no newline; a list that cannot be opened is an error" {
	printf 'one\n' >one
	printf 'two\n' >two
	mkdir d
	printf 'one\ntwo' | "$ZCP" --files-from=- d
	cmp one d/one
	cmp two d/two
	run zcp --files-from=no-such-list d
	assert_failure 1
	assert_output "zcp: cannot open 'no-such-list' for reading: No such file or directory"
}

@test "--files-from wants a directory to copy into: -t, or a last operand that is one" {
	printf 'one\n' >one
	run zcp --files-from=- </dev/null
	assert_failure 1
	assert_output --partial "zcp: missing destination file operand"
	run zcp --files-from=- one <<<one
	assert_failure 1
	assert_output "zcp: target 'one': Not a directory"
	mkdir d
	run zcp --files-from=- -T one d <<<one
	assert_failure 1
	assert_output --partial "--files-from needs a target directory"
	# command-line SOURCEs come first, then the list's
	printf 'two\n' >two
	run zcp -v --files-from=- -t d two <<<one
	assert_success
	assert_output "'two' -> 'd/two'
'one' -> 'd/one'"
}

@test "the list itself is never written into by the copy (it would be cut short under the reader): refused, the rest copied" {
	mkdir d
	echo short >L
	{
		echo L
		for i in $(seq 3000); do echo "f$i"; done
	} >d/L
	for i in $(seq 3000); do : >"f$i"; done
	cp d/L list.orig
	run zcp --files-from=d/L d
	assert_failure 1
	assert_output "zcp: will not overwrite file list 'd/L' with 'L'"
	cmp d/L list.orig
	[ "$(ls d | wc -l)" -eq 3001 ]
	# The same read from standard input.
	run zcp --files-from=- d <d/L
	assert_failure 1
	assert_output "zcp: will not overwrite file list 'd/L' with 'L'"
	cmp d/L list.orig
	# A tree merged into the one that holds the list (the workers' files).
	mkdir -p t/s out/s
	echo other >t/s/L2
	echo kept >t/s/g
	echo t/s >out/s/L2
	run zcp -r --files-from=out/s/L2 out
	assert_failure 1
	assert_output "zcp: will not overwrite file list 'out/s/L2' with 't/s/L2'"
	[ "$(cat out/s/L2)" = t/s ]
	cmp t/s/g out/s/g
}

@test "the copy starts with the first entry, before the list ends" {
	printf 'first\n' >first
	mkfifo fifo
	mkdir d
	"$ZCP" --files-from=fifo d &
	local pid=$! i
	exec 7>fifo
	printf 'first\n' >&7
	# zcp has the first entry and the list is still open: it is copied now
	for ((i = 0; i < 600; i++)); do
		[ -e d/first ] && break
		sleep 0.1
	done
	[ -e d/first ] || { exec 7>&-; fail "the first entry was not copied while the list was open"; }
	exec 7>&-
	wait "$pid"
	cmp first d/first
}

@test "a 100,000-entry list from find -print0: all copied, memory bounded" {
	mount_tmpfs "$T/m" 1g
	python3 - <<-'PY'
	import os
	for d in range(100):
	    p = "m/src/d%02d" % d
	    os.makedirs(p)
	    for f in range(1000):
	        with open("%s/f%d" % (p, f), "w") as fh:
	            fh.write("%d/%d\n" % (d, f))
	PY
	(cd m && find src -type f -print0) >list
	[ "$(tr -cd '\0' <list | wc -c)" -eq 100000 ]
	mkdir m/dst
	(cd m && /usr/bin/time -f %M -o ../rss \
		"$ZCP" -0 --files-from=../list --parents --stats-file=../s.json -t dst)
	diff -r m/src m/dst/src
	[ "$(jq .measured.files s.json)" -eq 100000 ]
	# (AddressSanitizer's quarantine keeps what was freed: the bound is
	# the release build's)
	[ -n "${ZCP_SANITIZE:-}" ] || [ "$(cat rss)" -le 32768 ] || fail "peak RSS $(cat rss) KiB"
	# the records were written out as they came, the document whole
	[ "$(jq '.files | length' s.json)" -eq 100000 ]
	[ "$(jq -r '.files[99999].source' s.json)" = "$(tr '\0' '\n' <list | tail -n 1)" ]
}

@test "--stats counts the list's reads: strace agrees" {
	need_plain_build
	odd_tree
	find s -print0 >list
	mkdir d
	strace -f -c -o trace.txt "$ZCP" -0 -r --files-from=list --parents --stats=json -t d >s.json
	strace_agrees trace.txt s.json
	[ "$(jq .measured.syscalls.read s.json)" -ge 2 ]
}

@test "a 200,000-entry list: what the run made for its operands is bounded in memory (not a record an entry)" {
	need_plain_build
	# 200,000 copies take a page each: 800 MiB.
	mount_tmpfs "$T/m" 1g
	mkdir m/s m/d
	echo data >m/s/f
	# Names are cheap as hard links; each entry is a file of its own to copy.
	python3 -c '
import os
for i in range(200000):
    os.link("m/s/f", "m/s/l%d" % i)'
	(cd m && find s -name 'l*' -print0) >list
	(cd m && /usr/bin/time -f %M -o ../rss "$ZCP" -0 --files-from=../list -t d)
	[ "$(ls m/d | wc -l)" -eq 200000 ]
	cmp m/s/f m/d/l199999
	# 200 bytes an entry would be 40 MiB here.
	[ "$(cat rss)" -le 24576 ] || fail "peak RSS $(cat rss) KiB"
}

@test "past the operands zcp remembers, a name this run made or wrote over is still not overwritten (its ctime), and one made before the run still is" {
	mount_tmpfs "$T/m" 1g
	mkdir m/a m/b m/many m/d
	echo first >m/a/x
	echo second >m/b/x
	echo first >m/a/y
	echo second >m/b/y
	echo old >m/d/pre
	echo old >m/d/y
	echo new >m/many/pre
	python3 -c '
for i in range(70000):
    open("m/many/f%d" % i, "w").close()'
	# a/x and a/y first (d/y was there: written over, its birth time is
	# older), then more operands than are remembered, then b/x and b/y
	# (the same destination names) and many/pre (an older destination).
	{
		printf 'a/x\0a/y\0'
		(cd m && find many -name 'f*' -print0)
		printf 'b/x\0b/y\0many/pre\0'
	} >list
	cd m
	run "$ZCP" -0 --files-from=../list -t d
	assert_failure 1
	assert_line --index 0 "zcp: will not overwrite just-created 'd/x' with 'b/x'"
	assert_line --index 1 "zcp: will not overwrite just-created 'd/y' with 'b/y'"
	[ "${#lines[@]}" -eq 2 ]
	[ "$(cat d/x)" = first ]
	[ "$(cat d/y)" = first ]
	[ "$(cat d/pre)" = new ]
	[ "$(ls d | wc -l)" -eq 70003 ]
}
