#!/usr/bin/env bats
# Any depth, few descriptors: the walk keeps no recursion on the C stack
# and a bounded number of descriptors, so a tree thousands of levels deep
# copies with a small stack and `ulimit -n 1024`, as GNU cp copies it.

load helpers

setup() {
	zcp_setup
	umask 022
}
teardown() { zcp_teardown; }

# mk_deep DIR LEVELS: DIR/d/d/.../d, LEVELS deep (longer than PATH_MAX,
# so built relative to descriptors), a file every 100 levels, a random
# file at the bottom, modes that vary by level (some not writable by the
# owner: the copy must still fill them) and a time per level.
mk_deep() {
	python3 - "$1" "$2" <<'EOF'
import os, sys
top, levels = sys.argv[1], int(sys.argv[2])
os.mkdir(top)
fds = [os.open(top, os.O_RDONLY | os.O_DIRECTORY)]
for i in range(levels):
    d = fds[-1]
    os.mkdir('d', dir_fd=d)
    if i % 100 == 0:
        f = os.open('f%d' % i, os.O_WRONLY | os.O_CREAT, 0o640, dir_fd=d)
        os.write(f, os.urandom(i + 1))
        os.close(f)
    fds.append(os.open('d', os.O_RDONLY | os.O_DIRECTORY, dir_fd=d))
    if len(fds) > 2:
        os.close(fds.pop(0))
f = os.open('bottom', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fds[-1])
os.write(f, os.urandom(10000))
os.close(f)
# Modes and times last, from the top: a directory's time moves when an
# entry is made in it.
d = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
for i in range(levels):
    n = os.open('d', os.O_RDONLY | os.O_DIRECTORY, dir_fd=d)
    os.close(d)
    d = n
    os.chmod(d, 0o555 if i % 7 == 3 else 0o750 if i % 5 == 1 else 0o755)
d = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
for i in range(levels):
    os.utime(d, ns=(1500000000123456789 + i * 10**9, 1600000000123456789 + i * 10**9))
    n = os.open('d', os.O_RDONLY | os.O_DIRECTORY, dir_fd=d)
    os.close(d)
    d = n
EOF
}

# listing DIR: each path under DIR with its type, mode and (with "times")
# its mtime, sorted.
listing() {
	(cd "$1" && find . -printf "%p %y %m${2:+ %T@}\n" | LC_ALL=C sort)
}

# bottom_sum DIR LEVELS: the checksum of the file at the bottom, reached
# one level at a time (its path is too long for a single call, and a
# shell's cd is quadratic there).
bottom_sum() {
	python3 - "$1" "$2" <<'EOF'
import hashlib, os, sys
d = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for i in range(int(sys.argv[2])):
    n = os.open('d', os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=d)
    os.close(d)
    d = n
f = os.open('bottom', os.O_RDONLY | os.O_NOFOLLOW, dir_fd=d)
h = hashlib.sha256()
while True:
    b = os.read(f, 65536)
    if not b:
        break
    h.update(b)
print(h.hexdigest())
EOF
}

# file_sums DIR: each regular file under DIR with its checksum, sorted,
# read through descriptors (the paths are longer than PATH_MAX).
file_sums() {
	python3 - "$1" <<'EOF'
import hashlib, os, stat, sys
out = []
stack = [(os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY), '.')]
while stack:
    d, path = stack.pop()
    for name in os.listdir(d):
        st = os.stat(name, dir_fd=d, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            stack.append((os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=d), path + '/' + name))
        elif stat.S_ISREG(st.st_mode):
            f = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=d)
            h = hashlib.sha256()
            while True:
                b = os.read(f, 65536)
                if not b:
                    break
                h.update(b)
            os.close(f)
            out.append(path + '/' + name + ' ' + h.hexdigest())
    os.close(d)
print('\n'.join(sorted(out)))
EOF
}

# A stack far too small for one frame a level, and a common descriptor limit.
small() { (ulimit -s 1024 && ulimit -n 1024 && "$@"); }

@test "deep: -r of 5,000 levels with a 1 MiB stack and ulimit -n 1024" {
	mk_deep src 5000
	run small "$ZCP" -r src dst
	assert_success
	assert_output ""
	diff <(listing src) <(listing dst)
	[ "$(listing src | wc -l)" -eq 5052 ]
	[ "$(bottom_sum src 5000)" = "$(bottom_sum dst 5000)" ]
	diff <(file_sums src) <(file_sums dst)
	# With the default stack too.
	run "$ZCP" -r src dst2
	assert_success
	diff <(listing src) <(listing dst2)
}

@test "deep: 300 levels under ulimit -n 64 and 20 (the walk's levels fitted to the limit), as cp copies them" {
	mk_deep src 300
	for n in 64 20; do
		rm -rf c z
		(ulimit -n "$n" && cp -r src c) || fail "cp under ulimit -n $n"
		run bash -c "ulimit -n $n && exec '$ZCP' -r src z"
		assert_success
		assert_output ""
		diff <(listing c) <(listing z)
		diff <(file_sums c) <(file_sums z)
	done
}

@test "deep: -a of 5,000 levels: every directory gets its mode and times" {
	mk_deep src 5000
	run small "$ZCP" -a src dst
	assert_success
	assert_output ""
	diff <(listing src times) <(listing dst times)
	[ "$(bottom_sum src 5000)" = "$(bottom_sum dst 5000)" ]
	# Not a vacuous comparison: the levels do differ in mode and time.
	[ "$(listing dst times | awk '$2 == "d" { print $3 }' | sort -u | tr '\n' ' ')" = "555 750 755 " ]
	[ "$(listing dst times | awk '$2 == "d" { print $4 }' | sort -u | wc -l)" -eq 5001 ]
}

@test "deep: 2,000 levels, -r and -a, the same tree and status as GNU cp" {
	mk_deep src 2000
	for opt in -r -a; do
		local times=
		[ "$opt" = -a ] && times=times
		rm -rf c z
		# GNU cp recurses: it needs its default stack for 2,000 levels.
		run bash -c "ulimit -n 1024 && cp $opt src c"
		local cp_status=$status
		run small "$ZCP" "$opt" src z
		[ "$status" -eq "$cp_status" ]
		[ "$status" -eq 0 ]
		diff <(listing c $times) <(listing z $times)
		diff <(file_sums c) <(file_sums z)
	done
}

# (The output names every path: quadratic in the depth, tens of MiB
# here, so it goes to a file rather than through `run`.)
@test "deep: --dry-run -r of 5,000 levels says it all and makes nothing" {
	mk_deep src 5000
	small "$ZCP" --dry-run -r src dst >out 2>err
	[ ! -s err ]
	[ ! -e dst ]
	[ "$(grep -c '^  dry run: would make a directory$' out)" -eq 5001 ]
	# Every data file planned, the one at the bottom included.
	[ "$(grep -c "^'src/.*' -> 'dst/.*'\$" out)" -eq 5051 ]
	grep -q "/d/bottom' -> 'dst/d/.*/d/bottom'$" out
}

@test "deep: --dry-run into an existing deep copy names what is there" {
	mk_deep src 2500
	"$ZCP" -r src dst
	small "$ZCP" --dry-run -rT src dst >out 2>err
	[ ! -s err ]
	# Nothing would be made: every directory is there already.
	! grep -q "would make a directory" out
	grep -q "/d/bottom' -> 'dst/d/.*/d/bottom'$" out
	[ "$(grep -c '^  dest:   regular file (existing), ' out)" -eq 26 ]
}

@test "deep: -L through a symlinked directory deep down, as GNU cp" {
	mk_deep src 300
	mk_deep other 200
	# Level 150 of src holds a link to other: -L walks it as a directory.
	(cd src && for ((i = 0; i < 150; i++)); do cd d || exit 1; done && ln -s "$T/other" link)
	run small cp -rL src c
	local cp_status=$status
	run small "$ZCP" -rL src z
	[ "$status" -eq "$cp_status" ]
	diff <(listing c) <(listing z)
	# The link became the directory it names, all of it.
	[ "$(listing z | wc -l)" -eq "$(($(listing src | wc -l) + $(listing other | wc -l) - 1))" ]
}

# swap_at_prompt CASE: copy src (200 levels) with -i into dst, where only
# the bottom file exists already; at the prompt for it, far below the
# levels that gave their descriptors back, change level 5 of the source.
swap_at_prompt() {
	mk_deep src 200
	"$ZCP" -r src dst
	mkdir evil && echo evil >evil/evil
	local l5=src/d/d/d/d/d
	echo keep >$l5/keep
	find dst -type f ! -name bottom -delete
	mkfifo in err
	"$ZCP" -r -i -T src dst <in 2>err &
	local pid=$!
	exec 5>in 6<err
	read -r -d '?' -u 6 prompt
	[[ "$prompt" == *"overwrite 'dst/d/"*"/d/bottom'" ]]
	mkdir away
	case $1 in
	symlink) mv $l5 away/l5 && ln -s "$T/evil" $l5 ;;
	moved) mv $l5/d away/l6 && mv $l5 away/l5 && ln -s "$T/evil" $l5 ;;
	other) mv $l5/d away/l6 && mv $l5 away/l5 && mkdir $l5 && echo evil >$l5/evil ;;
	esac
	echo y >&5
	exec 5>&-
	STATUS=0
	wait $pid || STATUS=$?
	ERR=$(cat <&6)
	exec 6<&-
	# Whatever happened, nothing of what was put in its place is copied.
	[ -z "$(find dst -name evil)" ]
}

@test "deep: a directory swapped for a symlink while its frame was closed is not followed" {
	swap_at_prompt symlink
	# The walk comes back to the directory it was copying, not to a name.
	[ "$STATUS" -eq 0 ]
	[ "$ERR" = " " ]	# the end of the prompt, nothing more
	[ -f dst/d/d/d/d/d/keep ]
	[ "$(bottom_sum away/l5 195)" = "$(bottom_sum dst/d/d/d/d/d 195)" ]
}

@test "deep: a closed directory that cannot be found again is an error, not followed" {
	swap_at_prompt moved
	[ "$STATUS" -eq 1 ]
	[[ "$ERR" == *"zcp: cannot access 'src/d/d/d/d/d': "* ]]
	[ "$(bottom_sum away/l6 194)" = "$(bottom_sum dst/d/d/d/d/d/d 194)" ]
}

@test "deep: a closed directory replaced by another one is an error, not walked" {
	swap_at_prompt other
	[ "$STATUS" -eq 1 ]
	[[ "$ERR" == *"zcp: cannot access 'src/d/d/d/d/d': No such file or directory"* ]]
}

@test "deep: a cycle through a symlink deep down is still found" {
	mk_deep src 100
	(cd src && for ((i = 0; i < 80; i++)); do cd d || exit 1; done && ln -s "$T/src/d/d" up)
	run small "$ZCP" -rL src dst
	assert_failure
	assert_output --partial "cannot copy cyclic symbolic link 'src/d/"
	assert_output --partial "/up'"
	[ "$(bottom_sum src 100)" = "$(bottom_sum dst 100)" ]
}

@test "deep: into itself, 100 levels down, is refused and the walk stops" {
	mk_deep src 100
	run cp -r src src/d/d/d
	local cp_status=$status cp_out=$output
	rm -rf src && mk_deep src 100
	run small "$ZCP" -r src src/d/d/d
	[ "$status" -eq "$cp_status" ]
	[ "$output" = "${cp_out//cp:/zcp:}" ]
}

@test "deep: --stats counts the closes and re-opens as strace sees them" {
	need_plain_build
	mk_deep src 300
	strace -f -c -o trace.txt "$ZCP" -r --stats=json src dst >s.json
	strace_agrees trace.txt s.json
	# Every directory was opened again on the way back, past the budget.
	[ "$(jq '.measured.syscalls.openat' s.json)" -gt $((4 * 250)) ]
	[ "$(bottom_sum src 300)" = "$(bottom_sum dst 300)" ]
}
