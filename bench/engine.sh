# bench/engine.sh: the engine's section of make bench (sourced by run.sh:
# compare, calls_per_file, mk_mixed, $tmpfs/tree and $work are its).
# shellcheck shell=bash
SECTION=engine
t=$tmpfs/tree
echo "## the engine: $FILES files of 4 KiB, tmpfs -> tmpfs, $(nproc) CPUs"
compare "zcp -r vs cp -r" "$tmpfs/t2" "$ZCP -r $t $tmpfs/t2" "cp -r $t $tmpfs/t2"
compare "zcp -a vs cp -a" "$tmpfs/t2" "$ZCP -a $t $tmpfs/t2" "cp -a $t $tmpfs/t2"
compare "zcp -a vs tar | tar" "$tmpfs/t2" "$ZCP -a $t $tmpfs/t2" \
	"mkdir $tmpfs/t2 && tar -C $t -cf - . | tar -C $tmpfs/t2 -xf -"
compare "zcp -r vs zcp -r --jobs=1 (the workers)" "$tmpfs/t2" "$ZCP -r $t $tmpfs/t2" \
	"$ZCP -r --jobs=1 $t $tmpfs/t2"
echo
mk_mixed "$tmpfs/mixed" 20000
echo "## 20,000 files of mixed sizes, in 2,738 directories (bench/mixed.py), tmpfs -> tmpfs"
compare "zcp -r vs cp -r, mixed" "$tmpfs/t2" "$ZCP -r $tmpfs/mixed $tmpfs/t2" \
	"cp -r $tmpfs/mixed $tmpfs/t2"
compare "zcp -a vs cp -a, mixed" "$tmpfs/t2" "$ZCP -a $tmpfs/mixed $tmpfs/t2" \
	"cp -a $tmpfs/mixed $tmpfs/t2"
echo
cp -r "$t" "$work/etree"
echo "## $FILES files of 4 KiB, ext4 -> ext4"
# Each run into a new name (compare_fresh): nothing just deleted in the
# way. ext4 counts an inode freed in the last 60 s (360 s while its table
# block is dirty) as recently deleted and steps over it: a removal of many
# files on this file system minutes before slows both commands down.
compare_fresh "zcp -r vs cp -r, ext4" "$work/fresh" "$ZCP -r $work/etree \$DST" \
	"cp -r $work/etree \$DST"
# The same right after the last copy was removed: ext4's inode allocator
# then steps over every inode just freed, in both; zcp's two workers do
# it at once and contend (its system time doubles).
compare "zcp -r vs cp -r, ext4, just removed" "$work/t3" "$ZCP -r $work/etree $work/t3" \
	"cp -r $work/etree $work/t3"
rm -rf "$work/etree"
echo
echo "## system calls a file (strace -f -c, not timed): $FILES files of 4 KiB"
calls_per_file "cp -r" "$FILES" "$tmpfs/t2" cp -r "$t" "$tmpfs/t2"
calls_per_file "zcp -r" "$FILES" "$tmpfs/t2" "$ZCP" -r "$t" "$tmpfs/t2"
calls_per_file "cp -a" "$FILES" "$tmpfs/t2" cp -a "$t" "$tmpfs/t2"
calls_per_file "zcp -a" "$FILES" "$tmpfs/t2" "$ZCP" -a "$t" "$tmpfs/t2"
echo
echo "## peak memory (maximum resident set size, /usr/bin/time)"
for src in "$t" "$tmpfs/mixed"; do
	rm -rf "$tmpfs/t2"
	/usr/bin/time -f %M -o "$work/rss" "$ZCP" -a "$src" "$tmpfs/t2"
	printf '%-44s %6d KiB\n' "zcp -a ${src##*/}" "$(cat "$work/rss")"
done
rm -rf "$tmpfs/t2" "$tmpfs/mixed"
echo
