#!/bin/sh
# make demo: a real copy of data made here, with --explain and --stats.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/zcp-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "== 64 MiB of random data in $dir/src.bin"
head -c 67108864 /dev/urandom >"$dir/src.bin"
echo "== zcp --explain --stats src.bin dst.bin"
./zcp --explain --stats "$dir/src.bin" "$dir/dst.bin"
cmp "$dir/src.bin" "$dir/dst.bin" && echo "== identical: cmp found no difference"
echo "== a small tree, recursively, with -v"
mkdir -p "$dir/tree/a/b"
for i in 1 2 3; do echo "file $i" >"$dir/tree/a/b/f$i"; done
ln -s b/f1 "$dir/tree/a/link"
./zcp -av --stats "$dir/tree" "$dir/copy"
diff -r "$dir/tree" "$dir/copy" && echo "== trees identical"
