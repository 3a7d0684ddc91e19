# GNU cp as the oracle: run `cp ARGS` and `zcp ARGS` in two copies of one
# fixture (the shell function `fixture' of the suite) and compare.
# shellcheck shell=bash

# The tree with times: the fixture's, or "now" for what the copy set.
snap() {
	tree_snapshot "$1" times | awk '{ if ($NF + 0 > 1600000001) $NF = "now"; print }'
}

# same [--env V=X] ARG...: cp and zcp agree on ARG...
same() {
	local -a pre=(env) crc=0 zrc=0 bad=0
	[ "$1" = --env ] && { pre+=("$2"); shift 2; }
	for side in c z; do
		rm -rf "${T:?}/$side"; mkdir "$T/$side"
		(cd "$T/$side" && fixture) || { echo "fixture failed"; return 1; }
	done
	same_order "$T/c" "$T/z"
	(cd "$T/c" && exec "${pre[@]}" cp "$@") >"$T/c.out" 2>"$T/c.err" || crc=$?
	(cd "$T/z" && exec "${pre[@]}" "$ZCP" "$@") >"$T/z.out" 2>"$T/z.raw" || zrc=$?
	sed -e "s/^zcp: /cp: /" -e "s/Try 'zcp --help'/Try 'cp --help'/" "$T/z.raw" >"$T/z.err"
	CRC=$crc
	CERR=$(cat "$T/c.err")
	[ "$crc" = "$zrc" ] || { echo "exit status: cp $crc, zcp $zrc"; bad=1; }
	out_diff stdout "$T/c.out" "$T/z.out" || bad=1
	out_diff stderr "$T/c.err" "$T/z.err" || bad=1
	diff -u --label cp.tree --label zcp.tree <(snap "$T/c") <(snap "$T/z") || bad=1
	return $bad
}

