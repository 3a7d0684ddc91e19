#!/usr/bin/env bats
# --also DEST (issue 10): each destination gets what a cp run for it alone
# would give (cp is the oracle: once per destination), and each source file
# is read once for all of them (counted, and checked with strace).

load helpers
load oracle

setup() {
	zcp_setup
	head -c 300000 /dev/urandom >"$T/seed"
}
teardown() { zcp_teardown; }

# A source tree and three destinations that are not alike: d1 absent, d2 a
# directory with older and newer files in the way and a file where a
# directory goes, d3 a regular file (a directory cannot go over it).
fixture() {
	mkdir -p s/a/b s/c
	cp "$T/seed" s/a/big
	echo one >s/a/b/f1
	echo two >s/c/f2
	printf 'x%.0s' $(seq 1 5000) >s/c/f3
	ln s/a/b/f1 s/c/hard
	ln -s ../a/big s/c/sym
	mkfifo s/fifo
	truncate -s 3M s/holes
	echo mid | dd of=s/holes bs=1 seek=1M conv=notrunc status=none
	touch -d '2020-01-02 03:04:05' s/a/b/f1 s/c/f2 s/a s
	mkdir -p d2/s/a d2/s/c
	echo old >d2/s/a/big
	touch -d '2019-01-01' d2/s/a/big
	echo newer >d2/s/c/f2
	touch -d '2030-01-01' d2/s/c/f2
	echo file >d2/s/a/b
	touch -d '2021-05-05' d2/s/a/b d2/s/a d2/s/c d2/s d2
	echo plain >d3
	touch -d '2021-05-05' d3
}

# also_same ARG...: `zcp ARG... d1 --also=d2 --also=d3` against cp ARG...
# run once for each of d1, d2, d3: the same trees, the same messages (each
# destination's in its order; the runs' interleaved, so compared sorted),
# and the exit status of the worst.
also_same() {
	local crc=0 zrc=0 rc bad=0 d
	for side in c z; do
		rm -rf "${T:?}/$side"; mkdir "$T/$side"
		(cd "$T/$side" && fixture) || { echo "fixture failed"; return 1; }
	done
	: >"$T/c.out"
	: >"$T/c.err"
	for d in d1 d2 d3; do
		rc=0
		(cd "$T/c" && exec cp "$@" "$d") >>"$T/c.out" 2>>"$T/c.err" || rc=$?
		[ "$rc" -gt "$crc" ] && crc=$rc
	done
	(cd "$T/z" && exec "$ZCP" "$@" d1 --also=d2 --also=d3) >"$T/z.out" 2>"$T/z.raw" || zrc=$?
	sed -e "s/^zcp: /cp: /" "$T/z.raw" >"$T/z.err"
	CRC=$crc
	[ "$crc" = "$zrc" ] || { echo "exit status: cp $crc, zcp $zrc"; bad=1; }
	diff -u --label cp.out --label zcp.out <(sort "$T/c.out") <(sort "$T/z.out") || bad=1
	diff -u --label cp.err --label zcp.err <(sort "$T/c.err") <(sort "$T/z.err") || bad=1
	diff -u --label cp.tree --label zcp.tree <(snap "$T/c") <(snap "$T/z") || bad=1
	return $bad
}

@test "--also: each destination as a cp run of its own (-r, -a, -n, -u, -b, --parents, -l, -v)" {
	also_same -r s
	[ "$CRC" = 1 ]
	grep -q "cannot overwrite non-directory" "$T/c.err"
	also_same -a s
	also_same -av s
	also_same -rn s
	also_same -au s
	also_same -ab s
	also_same -rf --remove-destination s
	also_same -a --parents s/a s/c
	also_same -rl s
	also_same -rv --copy-contents s/a s/c
}

@test "--also: each source file is read once: bytes read once, copied three times, the calls strace counts" {
	need_plain_build
	mkrand big $((5 << 20))
	mkdir t1 t2 t3
	strace -f -c -o trace.txt "$ZCP" --stats=json big t1 --also=t2 --also t3 >s.json
	for d in t1 t2 t3; do cmp big $d/big; done
	[ "$(jq .measured.bytes_read s.json)" -eq $((5 << 20)) ]
	[ "$(jq .measured.bytes_copied s.json)" -eq $((15 << 20)) ]
	[ "$(jq .measured.bytes_user_kernel s.json)" -eq 0 ]
	[ "$(jq .measured.syscalls.tee s.json)" -gt 0 ]
	[ "$(jq -r '[.files[].method] | unique | join(",")' s.json)" = tee ]
	strace_agrees trace.txt s.json
	# The source's own splices: 5 MiB in 1 MiB pipes, no more.
	strace -f -e trace=splice -o sp.txt "$ZCP" -f big t1 --also=t2 --also=t3
	[ "$(grep -c 'splice(3,' sp.txt)" -le 6 ]
}

@test "--also: a tree, -a, the strace agreement with the runs' threads" {
	need_plain_build
	mk_tree200 src
	strace -f -c -o trace.txt "$ZCP" -a --stats=json src t1 --also=t2 >s.json
	diff -r src t1
	diff -r src t2
	strace_agrees trace.txt s.json
	[ "$(jq .measured.files s.json)" -eq 400 ]
	[ "$(jq .measured.bytes_copied s.json)" -eq "$((2 * $(jq .measured.bytes_read s.json)))" ]
}

@test "--also: the runs, which go one at a time, share one CPU (a hand-over is a switch there, not a wake-up of another CPU)" {
	mk_tree200 src
	strace -f -e trace=sched_setaffinity -o aff.txt "$ZCP" -r src t1 --also=t2 --also=t3
	diff -r src t1
	diff -r src t3
	# One call a run, each to one and the same CPU.
	[ "$(grep -c 'sched_setaffinity(0, ' aff.txt)" -eq 3 ]
	[ "$(grep -o 'sched_setaffinity(0, [0-9]*, \[[0-9]*\]) *= 0' aff.txt | sort -u | wc -l)" -eq 1 ]
}

@test "--also: standard input read once to three files; standard output one of the destinations" {
	mkrand big 3000000
	cat big | "$ZCP" - o1 --also=o2 --also=o3
	cmp big o1 && cmp big o2 && cmp big o3
	"$ZCP" -v --stats big - --also=o4 >out 2>err
	cmp big out
	cmp big o4
	grep -q "'big' -> 'o4'" err
	grep -q "zcp stats (measured)" err
	# Standard output open for appending takes no splice: it is written.
	echo old >log
	"$ZCP" --explain big - --also=o5 >>log 2>explain.txt
	cmp <(echo old; cat big) log
	cmp big o5
	grep -q "tee: chosen: the source read once for 2 destinations" explain.txt
}

@test "--also: three tmpfs mounts, one full: it fails alone, its file removed; the others get the whole copy" {
	mount_tmpfs "$T/m1" 64m
	mount_tmpfs "$T/m2" 1m
	mount_tmpfs "$T/m3" 64m
	mkrand big $((4 << 20))
	echo keep >"$T/m2/big"
	run "$ZCP" big "$T/m1/big" --also="$T/m2/new" --also="$T/m3/big"
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: error writing '$T/m2/new': No space left on device" ]
	cmp big "$T/m1/big"
	cmp big "$T/m3/big"
	[ ! -e "$T/m2/new" ]
	[ "$(cat "$T/m2/big")" = keep ]
	# A tree, -a: the full one's files that fit are there, the rest said.
	mkdir -p src/d
	for i in 1 2 3 4; do mkrand src/d/f$i 400000; done
	run "$ZCP" -a src "$T/m1/t" --also="$T/m2/t" --also="$T/m3/t"
	[ "$status" -eq 1 ]
	diff -r src "$T/m1/t"
	diff -r src "$T/m3/t"
	grep -q "^zcp: error writing '$T/m2/t/d/f[1-4]': No space left on device$" <<<"$output"
	for f in "$T"/m2/t/d/*; do cmp "$f" "src/d/${f##*/}"; done
	# An existing file is emptied there (cp leaves what it could write):
	# zcp says so and leaves it empty, never a partial copy.
	run "$ZCP" big "$T/m1/big" --also="$T/m2/big"
	[ "$status" -eq 1 ]
	[ ! -s "$T/m2/big" ]
	cmp big "$T/m1/big"
}

@test "--also: holes kept in every destination; --sparse=always and a /proc source go through one buffer" {
	truncate -s 20M holey
	echo a | dd of=holey bs=1 seek=10M conv=notrunc status=none
	"$ZCP" --stats=json holey h1 --also=h2 >s.json
	cmp holey h1 && cmp holey h2
	[ "$(stat -c %b h1)" -lt 100 ] && [ "$(stat -c %b h2)" -lt 100 ]
	[ "$(jq .measured.bytes_read s.json)" -lt $((1 << 20)) ]
	head -c 1000000 /dev/zero >zeros
	mkrand r 5000 && cat r >>zeros
	"$ZCP" --sparse=always --explain zeros z1 --also=z2 >explain.txt
	cmp zeros z1 && cmp zeros z2
	[ "$(stat -c %b z1)" -lt 100 ]
	grep -q "buffer: chosen: the source read once for 2 destinations into one buffer" explain.txt
	"$ZCP" --explain /proc/self/maps p1 --also=p2 >explain.txt
	cmp p1 p2
	grep -q "buffer: chosen" explain.txt
}

# in_turn OUT N: OUT's lines are each file's, destination by destination
# (t1, t2, t3 in the command line's order), and each destination's lines
# are one and the same walk.
in_turn() {
	local k
	for k in $(seq 1 "$2"); do
		awk -v n="$2" -v k="$k" 'NR % n == k % n' "$1" >"lines.$k"
		grep -qv -e "-> 't$k" "lines.$k" && { echo "a line not t$k's among its turn's"; return 1; }
		sed "s,-> 't$k,-> 'tK," "lines.$k" >"walk.$k"
	done
	for k in $(seq 2 "$2"); do
		diff -u walk.1 "walk.$k" || return 1
	done
}

@test "--also -v: the messages come file by file, each destination's in the command line's order" {
	mk_tree200 src
	"$ZCP" -rv src t1 --also=t2 --also=t3 >out.txt
	diff -r src t1
	diff -r src t3
	[ "$(wc -l <out.txt)" -eq $((3 * 208)) ]
	in_turn out.txt 3
	# The same with errors: a directory in the way of a file in both
	# destinations is each one's message in turn, among the -v lines.
	mkdir -p u1/src/d3/f3 u2/src/d3/f3
	run "$ZCP" -rv src u1 --also=u2 2>&1
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -n "cannot overwrite directory" >err.txt
	[ "$(wc -l <err.txt)" -eq 2 ]
	grep -q "^[0-9]*:zcp: cannot overwrite directory 'u1/src/d3/f3' with non-directory" <(sed -n 1p err.txt)
	grep -q "^[0-9]*:zcp: cannot overwrite directory 'u2/src/d3/f3' with non-directory" <(sed -n 2p err.txt)
	a=$(sed -n 1p err.txt | cut -d: -f1)
	b=$(sed -n 2p err.txt | cut -d: -f1)
	[ "$b" -eq $((a + 1)) ]
	printf '%s\n' "$output" | grep -v "cannot overwrite" | sed 's,u\([12]\)/,t\1/,; s,-> .u\([12]\).$,-> '"'"'t\1'"'"',' >v.txt
	in_turn v.txt 2
}

@test "--also -lv: with no data to wait at, a run going ahead past what it may hold still gives its messages in turn" {
	# Links only: no run ever waits for another at a file's data, so
	# the first one goes on alone until what it holds is put out.
	mkdir -p src/dir-with-a-long-name-to-make-the-lines-long
	for i in $(seq 1 3000); do : >"src/dir-with-a-long-name-to-make-the-lines-long/file-$i"; done
	"$ZCP" -rlv src t1 --also=t2 >out.txt
	[ "$(wc -l <out.txt)" -eq $((2 * 3002)) ]
	in_turn out.txt 2
	[ "$(stat -c %h src/dir-with-a-long-name-to-make-the-lines-long/file-7)" -eq 3 ]
}

@test "--also: 16 destinations share the limit on open files: a tree 300 levels deep under ulimit -n 1024 goes whole to each; a limit too small for them is refused before anything is copied" {
	local p=src i a=()
	for i in $(seq 1 300); do p=$p/d; done
	mkdir -p "$p"
	echo leaf >"$p/leaf"
	echo top >src/top
	for i in $(seq 1 15); do a+=(--also="t$i"); done
	run bash -c "ulimit -n 1024 && exec \"\$@\"" _ "$ZCP" -r src t0 "${a[@]}"
	assert_success
	assert_output ""
	for i in $(seq 0 15); do
		diff -r src "t$i" || fail "t$i differs"
	done
	run bash -c "ulimit -n 64 && exec \"\$@\"" _ "$ZCP" -r src u0 "${a[@]/--also=t/--also=u}"
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: 16 destinations need more open files than the limit allows (ulimit -n)" ]
	[ ! -e u0 ] && [ ! -e u1 ] && [ ! -e u15 ]
}

@test "--also --dry-run: each destination's plan is the fan-out a copy would make (tee, or one buffer), and nothing is made" {
	echo data >f
	run "$ZCP" --dry-run f dA --also=dB
	assert_success
	[ "$(printf '%s\n' "$output" | grep -c '^  tee: chosen: the source would be read once for every destination')" -eq 2 ]
	[ "$(printf '%s\n' "$output" | grep -c '^  copy_range: skipped: --also: the source is read once')" -eq 2 ]
	[ ! -e dA ] && [ ! -e dB ]
	# The copy itself uses what the dry run said.
	run "$ZCP" --explain f dA --also=dB
	[ "$(printf '%s\n' "$output" | grep -c '^  tee: chosen: the source read once for 2 destinations')" -eq 2 ]
	run "$ZCP" --dry-run --sparse=always f eA --also=eB
	[ "$(printf '%s\n' "$output" | grep -c '^  buffer: chosen: ')" -eq 2 ]
}

@test "--also with --files-from: the list read once, every entry to every destination" {
	mkdir -p src/x t1 t2
	for i in 1 2 3 4 5 6 7 8 9; do echo "$i" >src/x/f$i; done
	( cd src && find x -type f | sort ) | (cd src && "$ZCP" --parents --files-from=- -t "$T/t1" --also="$T/t2")
	diff -r src t1
	diff -r src t2
}

@test "--also: -i asks for each destination in turn, and each answer counts for its own" {
	mkdir t1 t2
	echo new >f
	echo old1 >t1/f
	echo old2 >t2/f
	run bash -c "printf 'y\nn\n' | '$ZCP' -i f t1 --also=t2"
	[ "$status" -eq 0 ]
	[ "$output" = "zcp: overwrite 't1/f'? zcp: overwrite 't2/f'? " ]
	[ "$(cat t1/f)" = new ]
	[ "$(cat t2/f)" = old2 ]
}

@test "--also: a destination that cannot be used is cp's error for it alone; with -t too" {
	mkdir t1 t3
	echo a >a
	echo b >b
	run "$ZCP" a b t1 --also=nodir --also=t3
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: target 'nodir': No such file or directory" ]
	cmp a t1/a && cmp b t3/b
	run "$ZCP" -t t1 --also=t3/a a b
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: target directory 't3/a': Not a directory" ]
	run "$ZCP" --also=t1 --bench a t3
	[ "$status" -eq 1 ]
	run "$ZCP" --also=t1 --method=rw a t3/x
	[ "$status" -eq 1 ]
	[ ! -e t3/x ]
}

@test "--also: a source that fails mid-copy fails every destination, none left half made; a destination that fails, itself alone" {
	mkrand big $((4 << 20))
	echo keep >k
	# Each 1 MiB: a splice in, then one out to each of the three.
	run strace -f -o /dev/null -e inject=splice:error=EIO:when=5 "$ZCP" big n1 --also=n2 --also=k
	[ "$status" -eq 1 ]
	[ "$(grep -c "^zcp: error reading 'big': Input/output error$" <<<"$output")" -eq 3 ]
	grep -q "^zcp: 'k' was truncated before the error and is left empty$" <<<"$output"
	[ ! -e n1 ] && [ ! -e n2 ]
	[ ! -s k ]
	run strace -f -o /dev/null -e inject=splice:error=EIO:when=3 "$ZCP" big n1 --also=n2 --also=n3
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: error writing 'n2': Input/output error" ]
	cmp big n1 && cmp big n3
	[ ! -e n2 ]
}

@test "--also: SIGTERM while the data flows removes every new destination" {
	mkfifo fifo
	( head -c 100000 /dev/urandom; sleep 30 ) >fifo 3>&- &
	writer=$!
	"$ZCP" - n1 --also=n2 --also=n3 <fifo >/dev/null 2>&1 3>&- &
	z=$!
	for _ in $(seq 1 100); do [ -s n3 ] && break; sleep 0.05; done
	[ -s n1 ] && [ -s n2 ] && [ -s n3 ]
	kill -TERM "$z"
	st=0
	wait "$z" || st=$?
	kill "$writer" 2>/dev/null || true
	[ "$st" -eq 143 ]
	[ ! -e n1 ] && [ ! -e n2 ] && [ ! -e n3 ]
}

@test "--also: clones where the file system shares extents, the rest read once" {
	need_root
	need_fs btrfs
	mount_image btrfs "$T/b" 1G
	mkrand "$T/b/src" $((8 << 20))
	mkdir -p "$T/other"
	"$ZCP" --stats=json "$T/b/src" "$T/b/c1" --also="$T/b/c2" --also="$T/other/c3" >s.json
	cmp "$T/b/src" "$T/b/c1" && cmp "$T/b/src" "$T/b/c2" && cmp "$T/b/src" "$T/other/c3"
	filefrag -v "$T/b/c1" | grep -q shared
	filefrag -v "$T/b/c2" | grep -q shared
	[ "$(jq -r '[.files[].method] | join(",")' s.json)" = "clone,clone,copy_range" ] ||
		[ "$(jq -r '[.files[].method] | join(",")' s.json)" = "clone,clone,sendfile" ]
	[ "$(jq .measured.bytes_read s.json)" -eq $((8 << 20)) ]
}

@test "--also: --progress counts the bytes for every destination" {
	mkrand big $((2 << 20))
	"$ZCP" --progress=json big p1 --also=p2 2>prog.txt
	tail -n 1 prog.txt | jq -e '.done and .bytes == 4194304 and .total_bytes == 4194304 and .files == 2'
}

@test "--also: a FIFO source is opened once for all the destinations (its writer may be gone by the second's turn)" {
	mkfifo ff
	( echo hi >ff ) 3>&- &
	# Every open of the FIFO slowed down: the writer is gone by the second.
	# (LeakSanitizer cannot work under ptrace: helpers.bash's strace.)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout 20 \
		strace -f -o /dev/null -P ff -e inject=openat:delay_enter=200000 \
		"$ZCP" ff f1 --also=f2 --also=f3
	[ "$status" -eq 0 ]
	[ "$(cat f1)" = hi ] && [ "$(cat f2)" = hi ] && [ "$(cat f3)" = hi ]
	# In a tree, read as data (--copy-contents), each destination its own run.
	mkdir -p t/d
	mkfifo t/d/p
	( printf 'data\n' >t/d/p ) 3>&- &
	run timeout 10 "$ZCP" -r --copy-contents t c1 --also=c2
	[ "$status" -eq 0 ]
	[ "$(cat c1/d/p)" = data ] && [ "$(cat c2/d/p)" = data ]
}

@test "--also with --atomic, --verify, --fsync: every destination whole, verified, none left aside" {
	mk_tree200 src
	mkdir t2
	echo old >t2/keep
	"$ZCP" -a --atomic --verify --fsync --stats=json src t1 --also=t2/src >s.json
	diff -r src t1
	diff -r src t2/src
	[ "$(jq .measured.bytes_verified s.json)" -eq "$(jq .measured.bytes_copied s.json)" ]
	[ -z "$(find t1 t2 -name '.*.zcp*')" ]
	# Over existing copies: replaced whole, by rename.
	"$ZCP" -a --atomic src/d1/f1 t1/d1/f1 --also=t2/src/d1/f1
	cmp src/d1/f1 t1/d1/f1 && cmp src/d1/f1 t2/src/d1/f1
}

@test "--also: a destination named twice is refused before anything is copied (standard output too)" {
	mkrand big 3000000
	mkdir d
	ln -s d dl
	for args in "big o --also=o" "big o --also=./o" "--atomic big o --also=o" "big - --also=-" \
		"-t d --also=dl big" "-t d --also=d/ big"; do
		run "$ZCP" $args
		[ "$status" -eq 1 ]
		[[ "${lines[0]}" =~ ^zcp:\ destination\ .*\ named\ twice\ \(as\ .*\)$ ]]
		[ ! -e o ] && [ ! -e d/big ]
	done
	run bash -c "set -o pipefail; '$ZCP' big - --also=/dev/stdout | cat"
	[ "$status" -eq 1 ]
	[[ "$output" =~ "named twice" ]]
}

@test "--also: a destination that takes no splice and fails (/dev/full) fails alone; the others are whole" {
	mkrand r3 3000000
	cp r3 keep
	run "$ZCP" r3 keep --also=/dev/full
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: error writing '/dev/full': No space left on device" ]
	cmp r3 keep
	run bash -c "cat r3 | '$ZCP' - /dev/full --also=n1"
	[ "$status" -eq 1 ]
	cmp r3 n1
	run "$ZCP" /proc/self/maps /dev/full --also=n2
	[ "$status" -eq 1 ]
	[ -s n2 ]
	mount_tmpfs "$T/small" 1m
	mkdir tr
	for i in 1 2 3; do mkrand tr/f$i 400000; done
	run "$ZCP" --sparse=always -r tr t1 --also="$T/small/tr"
	[ "$status" -eq 1 ]
	diff -r tr t1
	for f in "$T"/small/tr/*; do cmp "$f" "tr/${f##*/}"; done
}

@test "--also: a closed pipe at standard output is an error there; the other destination is whole" {
	mkrand big $((8 << 20))
	echo OLD >o
	run bash -c "'$ZCP' big - --also=o | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}"
	[ "${lines[-1]}" = 1 ]
	[[ "$output" =~ "zcp: error writing '-': Broken pipe" ]]
	cmp big o
}

@test "--also: holes kept where a destination can keep them, zeros written where it cannot" {
	truncate -s 100M sp
	echo x >>sp
	"$ZCP" sp a --also=/dev/null
	"$ZCP" sp b --also=- | cmp - sp
	cmp sp a && cmp sp b
	[ "$(stat -c %b a)" -lt 100 ] && [ "$(stat -c %b b)" -lt 100 ]
}

@test "--also: --stats-file naming standard output, where the data goes, is refused" {
	echo hello >s
	run bash -c "'$ZCP' s - --stats-file=/dev/stdout | cat"
	[ "$status" -eq 0 ]
	[ "$output" = "zcp: statistics file '/dev/stdout' is also a file to copy or copied to" ]
	run bash -c "'$ZCP' s o --also=- --stats-file=/proc/self/fd/1 | cat"
	[ "$output" = "zcp: statistics file '/proc/self/fd/1' is also a file to copy or copied to" ]
	[ ! -e o ]
	"$ZCP" s o --stats-file=/dev/stdout | jq -e '.measured.files == 1'
}
