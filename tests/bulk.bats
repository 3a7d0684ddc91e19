#!/usr/bin/env bats
# Bulk transfers (issue 10): an interrupted copy resumed with -n, and a
# tree split by fpart and copied by GNU parallel, each compared with the
# source (times included) and with cp -a.

load helpers

# On a tmpfs of its own: the trees are in memory, the runs quick.
setup() {
	zcp_setup
	mount_tmpfs "$T/m" 2g
	M=$T/m
	cd "$M" || return 1
}
teardown() { zcp_teardown; }

# bulk_tree DIR N: N files in nested directories, sizes from a fixed seed
# (empty to 16 KiB, and every 1000th 2 MiB, so a kill can land inside a
# file), some symlinks, modes and times of their own, one empty directory.
bulk_tree() {
	python3 - "$1" "$2" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
r = random.Random(10)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 37), "e%d" % (i % 5))
    os.makedirs(d, exist_ok=True)
    size = 2 << 20 if i % 1000 == 7 else r.choice([0, 1, 100, 4096, 5000, 16384])
    p = os.path.join(d, "f%05d" % i)
    with open(p, "wb") as f:
        f.write(r.randbytes(size))
    os.chmod(p, r.choice([0o644, 0o600, 0o755, 0o444]))
    os.utime(p, ns=(1_600_000_000_000_000_000 + i, 1_600_000_000_123_456_789 + i * 1000))
    if i % 997 == 0:
        os.symlink("f%05d" % i, os.path.join(d, "l%05d" % i))
os.makedirs(os.path.join(root, "empty"))
os.chmod(os.path.join(root, "d03"), 0o750)
for top, dirs, _ in os.walk(root, topdown=False):
    for name in dirs:
        os.utime(os.path.join(top, name), ns=(1_500_000_000_000_000_000, 1_500_000_000_000_000_000))
EOF
}

# complete_so_far SRC DST: every name in DST is its source's whole copy
# (a regular file equal byte for byte, no temporary file beside it).
complete_so_far() {
	python3 - "$1" "$2" <<'EOF'
import filecmp, os, sys
src, dst = sys.argv[1], sys.argv[2]
bad = []
for top, _, files in os.walk(dst):
    for name in files:
        p = os.path.join(top, name)
        rel = os.path.relpath(p, dst)
        if name.startswith(".") and "zcp" in name:
            bad.append("left over: " + rel)
        elif os.path.isfile(p) and not os.path.islink(p) and \
                not filecmp.cmp(p, os.path.join(src, rel), shallow=False):
            bad.append("not whole: " + rel)
print("\n".join(bad[:10]), file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

@test "resume: a 20,000-file zcp -a --atomic killed (SIGKILL) three times, run again with -n each time, ends equal to the source and to cp -a" {
	bulk_tree src 20000
	cp -a src ref
	# How long a whole run takes here: the kills land inside it.
	local t0=$EPOCHREALTIME full round delay st tries kills=0
	zcp -a --atomic -T src probe
	full=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
	rm -rf probe
	echo "a whole run: ${full} ms"
	for round in 1 2 3; do
		# A run that ends before its kill is done again with an earlier one;
		# a kill at 0 ms always lands.
		delay=$(( full * (10 + RANDOM % 60) / 100 ))
		for tries in 1 2 3 4 5 6 7 8; do
			if [ "$round" = 1 ]; then
				"$ZCP" -a --atomic -T src dst 2>"err$round" &
			else
				"$ZCP" -a -n --atomic -T src dst 2>"err$round" &
			fi
			local pid=$!
			sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
			kill -KILL "$pid" 2>/dev/null || true
			st=0
			wait "$pid" || st=$?
			[ "$st" = 137 ] && break
			[ "$st" = 0 ] || { cat "err$round"; false; }
			# Done before the kill: start this round over.
			[ "$round" = 1 ] && rm -rf dst
			delay=$((delay / 2))
		done
		[ "$st" = 137 ] && kills=$((kills + 1))
		complete_so_far "$M/src" dst
	done
	[ "$kills" = 3 ]
	run "$ZCP" -a -n --atomic -T src dst
	assert_success
	assert_output ''
	assert_equal "$(tree_snapshot dst times)" "$(tree_snapshot src times)"
	assert_equal "$(tree_snapshot dst times)" "$(tree_snapshot ref times)"
}

@test "fpart cuts a 20,000-file tree into lists, GNU parallel runs zcp --files-from on each (two at once): the tree equals cp -a's" {
	command -v fpart >/dev/null || skip "fpart is not installed (scripts/setup.sh installs it)"
	command -v parallel >/dev/null || skip "GNU parallel is not installed (scripts/setup.sh installs it)"
	bulk_tree src 20000
	cp -a src ref
	mkdir dst lists
	# Lists of 2,000 names (empty directories too), NUL-separated, relative
	# to src; each zcp keeps the names under dst with --parents.
	(cd src && fpart -f 2000 -z -0 -o "$M/lists/part" .)
	[ "$(ls lists | wc -l)" -ge 10 ]
	(cd src && parallel --will-cite -j2 --halt now,fail=1 \
		"$ZCP" -a --parents -0 --files-from={} -t "$M/dst" ::: "$M"/lists/part.*)
	# Parallel runs add to the same directories: their times are set by
	# one last pass, which copies nothing.
	run "$ZCP" -a -n -T src dst
	assert_success
	assert_equal "$(tree_snapshot dst times)" "$(tree_snapshot ref times)"
}
