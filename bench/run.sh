#!/bin/bash
# make bench: zcp against cp, cat, dd and rsync, and zcp's methods against
# each other. Commands compared are alternated (A B A B ...) and the figure
# quoted is the median of the ratios: one run on these VMs proves nothing.
# Results: bench/results/<date>.txt and <date>.png, a chart of the ratios
# (and latest.txt, latest.png). QUICK=1: fewer rounds, a smaller file.
set -euo pipefail
cd "$(dirname "$0")/.."
ZCP=$PWD/zcp
if [ -n "${QUICK:-}" ]; then
	ROUNDS=${ROUNDS:-3}
	SIZE_MB=${SIZE_MB:-256}
fi
ROUNDS=${ROUNDS:-9}
SIZE_MB=${SIZE_MB:-1024}
FILES=${FILES:-10000}
ALL="large tree engine methods safety bulk uring also"
# SECTIONS: which parts to run (default all): large, tree, engine, methods, safety, bulk,
# uring, also.
SECTIONS=${SECTIONS:-$ALL}
want() { [[ " $SECTIONS " == *" $1 "* ]]; }
stamp=$(date -u +%Y-%m-%dT%H%M)
out=bench/results/$stamp.txt
mkdir -p bench/results
work=$(mktemp -d /tmp/zcp-bench.XXXXXX)
tmpfs=$work/tmpfs
mkdir -p "$tmpfs"
cleanup() {
	mountpoint -q "$tmpfs" && umount "$tmpfs"
	rm -rf "$work"
}
trap cleanup EXIT
mount -t tmpfs -o size=$((SIZE_MB * 3 + 1536))m tmpfs "$tmpfs"

now() { date +%s.%N; }

# time_cmd CMD...: seconds taken, the destination removed first by the caller.
time_cmd() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# compare_report LABEL: the medians of the rounds in ratios, tas and tbs
# (the caller's locals), printed and kept for the chart.
compare_report() {
	local ratio
	ratio=$(printf '%s\n' "${ratios[@]}" | median)
	printf '%-44s zcp %7.3fs  other %7.3fs  other/zcp median %5.2fx\n' "$1" \
		"$(printf '%s\n' "${tas[@]}" | median)" "$(printf '%s\n' "${tbs[@]}" | median)" \
		"$ratio"
	printf '%s: %s\t%s\n' "$SECTION" "$1" "$ratio" >>"$work/ratios.tsv"
}

# compare LABEL DST_TO_REMOVE "ZCP CMD" "OTHER CMD": median of other/zcp.
compare() {
	local label=$1 dst=$2 a=$3 b=$4 i ta tb
	local ratios=() tas=() tbs=()
	for ((i = 0; i < ROUNDS; i++)); do
		rm -rf "$dst"; sync
		ta=$(time_cmd bash -c "$a")
		rm -rf "$dst"; sync
		tb=$(time_cmd bash -c "$b")
		ratios+=("$(echo "$tb / $ta" | bc -l)")
		tas+=("$ta"); tbs+=("$tb")
	done
	compare_report "$label"
}
SECTION=

# compare_fresh LABEL DIR "ZCP CMD" "OTHER CMD": as compare, but each run
# copies to a new name, $DST, under DIR, and nothing is removed until the
# end: on ext4, a run that follows the removal of the last copy spends its
# time in the inode allocator stepping over the inodes just freed
# (recently_deleted), which measures the removal, not the copy.
compare_fresh() {
	local label=$1 dir=$2 a=$3 b=$4 i ta tb
	local ratios=() tas=() tbs=()
	mkdir -p "$dir"
	for ((i = 0; i < ROUNDS; i++)); do
		sync
		ta=$(DST=$dir/a$i time_cmd bash -c "$a")
		sync
		tb=$(DST=$dir/b$i time_cmd bash -c "$b")
		ratios+=("$(echo "$tb / $ta" | bc -l)")
		tas+=("$ta"); tbs+=("$tb")
	done
	rm -rf "$dir"
	compare_report "$label"
}

# calls_per_file LABEL FILES DST CMD...: system calls per file, from
# strace -f -c, outside the timed runs.
calls_per_file() {
	local label=$1 files=$2 dst=$3 total
	shift 3
	rm -rf "$dst"
	strace -f -c -o "$work/calls.txt" "$@" >/dev/null 2>&1
	total=$(awk '$NF == "total" { print $4 }' "$work/calls.txt")
	printf '%-44s %6.1f calls a file (%s in all)\n' "$label" "$(echo "$total / $files" | bc -l)" "$total"
	rm -rf "$dst"
}

# mk_mixed DIR N: N files in nested directories, sizes from a fixed seed
# (most small, a few up to 256 KiB), as a source tree is.
mk_mixed() {
	python3 bench/mixed.py "$1" "$2"
}

{
echo "# zcp bench, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) cores"
echo "# rounds: $ROUNDS, alternated; ratio > 1: zcp faster. File: $SIZE_MB MiB, cached."
echo "# sections: $SECTIONS; files: $FILES; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
big=$work/big
head -c $((SIZE_MB << 20)) /dev/urandom >"$big"
cat "$big" >/dev/null

if want large; then
SECTION=large
echo "## one large file, ext4 -> ext4"
compare "zcp vs cp" "$work/o" "$ZCP $big $work/o" "cp $big $work/o"
compare "zcp vs cat" "$work/o" "$ZCP $big $work/o" "cat $big > $work/o"
compare "zcp vs dd bs=1M" "$work/o" "$ZCP $big $work/o" "dd if=$big of=$work/o bs=1M"
if command -v rsync >/dev/null; then
	compare "zcp vs rsync" "$work/o" "$ZCP $big $work/o" "rsync $big $work/o"
else
	echo "rsync: not installed, skipped"
fi
echo
echo "## one large file, ext4 -> tmpfs (copy_file_range gives EXDEV here)"
compare "zcp vs cp" "$tmpfs/o" "$ZCP $big $tmpfs/o" "cp $big $tmpfs/o"
compare "zcp vs cat" "$tmpfs/o" "$ZCP $big $tmpfs/o" "cat $big > $tmpfs/o"
echo
echo "## one large file to a pipe"
compare "zcp - | cat vs cat | cat" "$work/none" "$ZCP $big - | cat >/dev/null" "cat $big | cat >/dev/null"
echo
fi
if want tree || want engine || want safety || want bulk || want uring || want also; then
mkdir -p "$tmpfs/tree"
for ((d = 0; d < 100; d++)); do
	mkdir "$tmpfs/tree/d$d"
	for ((f = 0; f < FILES / 100; f++)); do
		head -c 4096 /dev/urandom >"$tmpfs/tree/d$d/f$f"
	done
done
fi
if want tree; then
SECTION=tree
echo "## $FILES files of 4 KiB, tmpfs -> tmpfs"
compare "zcp -r vs cp -r" "$tmpfs/t2" "$ZCP -r $tmpfs/tree $tmpfs/t2" "cp -r $tmpfs/tree $tmpfs/t2"
echo
fi
if want engine; then
. bench/engine.sh
fi
if want safety; then
SECTION=safety
# What the safety options cost: the "other" command is zcp with the
# option, so the ratio is the option's price (1.00x: free).
echo "## the cost of --atomic and --fsync (other = zcp with the option)"
compare "zcp vs zcp --atomic, large file ext4" "$work/o" "$ZCP $big $work/o" "$ZCP --atomic $big $work/o"
compare "zcp -r vs zcp -r --atomic, tree tmpfs" "$tmpfs/t2" "$ZCP -r $tmpfs/tree $tmpfs/t2" \
	"$ZCP -r --atomic $tmpfs/tree $tmpfs/t2"
compare "zcp vs zcp --fsync, large file ext4" "$work/o" "$ZCP $big $work/o" "$ZCP --fsync $big $work/o"
compare "zcp -r vs zcp -r --fsync, tree tmpfs -> ext4" "$work/t2" "$ZCP -r $tmpfs/tree $work/t2" \
	"$ZCP -r --fsync $tmpfs/tree $work/t2"
echo
fi
if want uring; then
SECTION=uring
# Would io_uring pay in the executor? bench/uring_batch.c copies the tree
# with zcp's six calls a file, or in io_uring batches of 32 files (two
# submissions a batch), with one thread and two; and the six calls with
# only the two closes batched (16 files an io_uring_enter); and in batches
# that keep zcp's rules for each file (the stat from the open source, its
# mode for the copy: three submissions a batch).
gcc -std=gnu17 -O2 -Wall -Wextra -Werror -pthread -o "$work/uring_batch" bench/uring_batch.c -luring
ub=$work/uring_batch
echo "## io_uring batches against plain calls, $FILES files of 4 KiB, tmpfs"
echo "## (here \"zcp\" is the plain loop, \"other\" the io_uring one: < 1: io_uring faster)"
compare "plain vs io_uring, 1 thread" "$tmpfs/t2" "$ub plain $tmpfs/tree $tmpfs/t2 1" \
	"$ub uring $tmpfs/tree $tmpfs/t2 1"
compare "plain vs io_uring, 2 threads" "$tmpfs/t2" "$ub plain $tmpfs/tree $tmpfs/t2 2" \
	"$ub uring $tmpfs/tree $tmpfs/t2 2"
compare "plain vs closes batched, 2 threads" "$tmpfs/t2" "$ub plain $tmpfs/tree $tmpfs/t2 2" \
	"$ub closes $tmpfs/tree $tmpfs/t2 2"
compare "plain vs io_uring with zcp's rules, 2 threads" "$tmpfs/t2" \
	"$ub plain $tmpfs/tree $tmpfs/t2 2" "$ub zcp $tmpfs/tree $tmpfs/t2 2"
compare "zcp -r vs io_uring, 2 threads" "$tmpfs/t2" "$ZCP -r $tmpfs/tree $tmpfs/t2" \
	"$ub uring $tmpfs/tree $tmpfs/t2 2"
compare "zcp -r vs io_uring with zcp's rules, 2 threads" "$tmpfs/t2" \
	"$ZCP -r $tmpfs/tree $tmpfs/t2" "$ub zcp $tmpfs/tree $tmpfs/t2 2"
compare "zcp -r vs cp -r" "$tmpfs/t2" "$ZCP -r $tmpfs/tree $tmpfs/t2" "cp -r $tmpfs/tree $tmpfs/t2"
echo
fi
if want bulk; then
SECTION=bulk
# What --progress costs (drawn to a file, as on a terminal: always), with
# a tree's total counted beside the copy; and what --verify costs (it
# reads every copy back: the price of knowing).
echo "## the cost of --progress and --verify (other = zcp with the option)"
# Both commands write their standard error to the same file: truncating
# one that holds the last run's lines is part of neither's cost.
compare "zcp -r vs zcp -r --progress, tree tmpfs" "$tmpfs/t2" \
	"$ZCP -r $tmpfs/tree $tmpfs/t2 2>$work/progress.txt" \
	"$ZCP -r --progress=always $tmpfs/tree $tmpfs/t2 2>$work/progress.txt"
compare "zcp vs zcp --progress, large file ext4" "$work/o" "$ZCP $big $work/o 2>$work/progress.txt" \
	"$ZCP --progress=always $big $work/o 2>$work/progress.txt"
compare "zcp -r vs zcp -r --verify, tree tmpfs" "$tmpfs/t2" "$ZCP -r $tmpfs/tree $tmpfs/t2" \
	"$ZCP -r --verify $tmpfs/tree $tmpfs/t2"
compare "zcp vs zcp --verify, large file ext4" "$work/o" "$ZCP $big $work/o" \
	"$ZCP --verify $big $work/o"
echo
fi
if want also; then
SECTION=also
# One source to several destinations (--also), read once: against cp run
# once per destination, and, from a pipe, against tee(1).
echo "## one source, two and three destinations (--also), tmpfs destinations"
compare "zcp --also vs cp twice, large file" "$tmpfs/a" \
	"mkdir $tmpfs/a && $ZCP $big $tmpfs/a/1 --also=$tmpfs/a/2" \
	"mkdir $tmpfs/a && cp $big $tmpfs/a/1 && cp $big $tmpfs/a/2"
compare "zcp --also vs cp three times, large file" "$tmpfs/a" \
	"mkdir $tmpfs/a && $ZCP $big $tmpfs/a/1 --also=$tmpfs/a/2 --also=$tmpfs/a/3" \
	"mkdir $tmpfs/a && cp $big $tmpfs/a/1 && cp $big $tmpfs/a/2 && cp $big $tmpfs/a/3"
compare "zcp - --also vs tee, large file from a pipe" "$tmpfs/a" \
	"mkdir $tmpfs/a && cat $big | $ZCP - $tmpfs/a/1 --also=$tmpfs/a/2" \
	"mkdir $tmpfs/a && cat $big | tee $tmpfs/a/1 > $tmpfs/a/2"
compare "zcp -r --also vs cp -r twice, $FILES files" "$tmpfs/a" \
	"mkdir $tmpfs/a && $ZCP -r $tmpfs/tree $tmpfs/a/1 --also=$tmpfs/a/2" \
	"mkdir $tmpfs/a && cp -r $tmpfs/tree $tmpfs/a/1 && cp -r $tmpfs/tree $tmpfs/a/2"
compare "zcp -r --also vs cp -r three times, $FILES files" "$tmpfs/a" \
	"mkdir $tmpfs/a && $ZCP -r $tmpfs/tree $tmpfs/a/1 --also=$tmpfs/a/2 --also=$tmpfs/a/3" \
	"mkdir $tmpfs/a && cp -r $tmpfs/tree $tmpfs/a/1 && cp -r $tmpfs/tree $tmpfs/a/2 && cp -r $tmpfs/tree $tmpfs/a/3"
echo
fi
if want methods; then
echo "## zcp's methods against each other (zcp --bench, $ROUNDS rounds alternated)"
echo "### ext4 -> ext4"
"$ZCP" --bench="$ROUNDS" "$big" "$work/o"
echo "### ext4 -> tmpfs"
"$ZCP" --bench="$ROUNDS" "$big" "$tmpfs/o"
echo "### tmpfs -> tmpfs"
cp "$big" "$tmpfs/big"
"$ZCP" --bench="$ROUNDS" "$tmpfs/big" "$tmpfs/o"
fi
} | tee "$out"
bench/chart.sh "$work/ratios.tsv" "bench/results/$stamp.png" "$stamp"
# latest.txt is the last full run; a run of some sections keeps its own file.
if [ "$SECTIONS" = "$ALL" ]; then
	cp "$out" bench/results/latest.txt
	[ ! -f "bench/results/$stamp.png" ] || cp "bench/results/$stamp.png" bench/results/latest.png
fi
echo "results: $out"
