#!/usr/bin/env bats
# Errors are errors: output that could not be written, and a --dry-run
# that would fail, exit 1 with GNU cp's words (cp is the oracle).

load helpers

setup() {
	zcp_setup
	export LC_ALL=C
}
teardown() { zcp_teardown; }

# like_cp ARGS...: zcp ARGS says what cp ARGS says (as zcp), with its status.
# Standard output goes where the caller's redirection RUN_OUT names.
like_cp() {
	local cp_status cp_err
	cp_err=$(eval "cp $* $RUN_OUT" 2>&1 >/dev/null) && cp_status=0 || cp_status=$?
	run eval "\"\$ZCP\" $* $RUN_OUT"
	echo "cp: status $cp_status: $cp_err"
	echo "zcp: status $status: $output"
	[ "$status" -eq "$cp_status" ]
	[ "$output" = "${cp_err//cp: /zcp: }" ]
}

@test "errors: --help and --version to a full or closed stdout: cp's write error" {
	for opt in --help --version; do
		RUN_OUT='>/dev/full' like_cp "$opt"
		assert_equal "$status" 1
		assert_equal "$output" "zcp: write error: No space left on device"
		RUN_OUT='>&-' like_cp "$opt"
		assert_equal "$status" 1
		assert_equal "$output" "zcp: write error: Bad file descriptor"
		RUN_OUT='>/dev/null' like_cp "$opt"
		assert_equal "$status" 0
	done
}

@test "errors: --stats and --stats=json to a full or closed stdout: write error, exit 1" {
	mkrand a 10000
	for opt in --stats --stats=json; do
		rm -f b
		out_to '>/dev/full' "$ZCP" "$opt" a b
		assert_failure 1
		assert_output "zcp: write error: No space left on device"
		cmp a b
		rm -f b
		out_to '>&-' "$ZCP" "$opt" a b
		assert_failure 1
		assert_output "zcp: write error: Bad file descriptor"
		cmp a b
	done
	# The report on stderr (data on stdout) is not standard output's error.
	rm -f b
	out_to '>/dev/null' "$ZCP" --stats a b
	assert_success
	assert_output ""
}

@test "errors: --explain and -v to a full or closed stdout: write error, exit 1" {
	mkrand a 10000
	for opt in --explain -v --dry-run; do
		rm -f b
		out_to '>/dev/full' "$ZCP" "$opt" a b
		assert_failure 1
		assert_output "zcp: write error: No space left on device"
		rm -f b
		out_to '>&-' "$ZCP" "$opt" a b
		assert_failure 1
		assert_output "zcp: write error: Bad file descriptor"
	done
	# Nothing to write, nothing wrong: as cp.
	rm -f b
	RUN_OUT='>&-' like_cp a b
	assert_success
}

# out_to REDIRECTION CMD...: run CMD with its standard output redirected
# (bats' run would capture it otherwise); stderr is the output.
out_to() {
	local redir=$1
	shift
	run bash -c "\"\$@\" 2>&1 $redir" bash "$@"
}

# dry_like_cp SRC DST [RUNNER...]: zcp --dry-run fails (or not) as cp does
# for the real copy, with its message, and makes nothing.
dry_like_cp() {
	local src=$1 dst=$2 cp_status cp_out
	shift 2
	run "$@" "$ZCP" --dry-run "$src" "$dst"
	local z_status=$status z_out=$output
	[ ! -e "$dst" ] || { echo "--dry-run made $dst"; return 1; }
	run "$@" cp "$src" "$dst"
	cp_status=$status cp_out=${output//cp: /zcp: }
	echo "cp: $cp_status: $cp_out"
	echo "zcp: $z_status: $z_out"
	[ "$z_status" -eq "$cp_status" ]
	[[ "$z_out" == *"$cp_out"* ]]
}

@test "errors: --dry-run into a missing directory fails as the copy would" {
	echo a >a
	run dry_like_cp a /nonexistent/x
	assert_success
	assert_output --partial "zcp: 1: zcp: cannot create regular file '/nonexistent/x': No such file or directory"
	run dry_like_cp a missing/x
	assert_success
	assert_output --partial "cannot create regular file 'missing/x': No such file or directory"
}

@test "errors: --dry-run below a file fails as the copy would" {
	echo a >a
	echo f >f
	run dry_like_cp a f/x
	assert_success
	assert_output --partial "zcp: 1: zcp: cannot stat 'f/x': Not a directory"
}

@test "errors: --dry-run into a directory that is not writable fails as the copy would" {
	need_root
	echo a >a
	mkdir ro
	chmod 755 "$T" ro a
	run dry_like_cp a ro/x setpriv --reuid=nobody --regid=nogroup --clear-groups
	assert_success
	assert_output --partial "zcp: 1: zcp: cannot create regular file 'ro/x': Permission denied"
	# Writable for nobody: the dry run goes through.
	chmod 777 ro
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZCP" --dry-run a ro/x
	assert_success
	[ ! -e ro/x ]
}

@test "errors: --dry-run onto a read-only file system fails as the copy would" {
	need_root
	echo a >a
	mount_tmpfs "$T/rofs" 1m || fail "cannot mount tmpfs"
	mount -o remount,ro "$T/rofs" || fail "cannot remount read-only"
	run dry_like_cp a rofs/x
	assert_success
	assert_output --partial "zcp: 1: zcp: cannot create regular file 'rofs/x': Read-only file system"
}

@test "errors: --dry-run -r still plans below a directory it would make" {
	mkdir -p d/sub
	echo a >d/a
	echo b >d/sub/b
	run "$ZCP" --dry-run -r d new
	assert_success
	assert_output --partial "'d/sub/b' -> 'new/sub/b'"
	[ ! -e new ]
	mkdir out
	run "$ZCP" --dry-run -r d out
	assert_success
	assert_output --partial "'d/sub/b' -> 'out/d/sub/b'"
	[ ! -e out/d ]
}
