#!/usr/bin/env bats
# --dry-run plans and explains every file and changes nothing at all.

load helpers

setup() {
	zcp_setup
	mkdir -p src/a/b dst/src/a
	mkrand src/a/f 100000
	mkrand src/a/b/g 5000
	ln -s f src/a/l
	mkfifo src/fifo
	truncate -s 10M src/sparse
	echo old >dst/src/a/f
	echo keep >dst/other
}
teardown() { zcp_teardown; }

# Everything about the destination tree, ctime included: a change of any
# kind, even of attributes only, shows.
dst_state() {
	find dst -printf '%p %y %m %s %l %C@ %T@ %i\n' | LC_ALL=C sort
	find dst -type f -exec sha256sum {} + | LC_ALL=C sort
}

@test "--dry-run -r into an existing tree changes nothing, and explains each file" {
	dst_state >before
	run zcp --dry-run -r src dst
	assert_success
	dst_state >after
	diff before after
	assert_line "'src/a/f' -> 'dst/src/a/f'"
	assert_line "  dest:   regular file (existing), ext4"
	assert_line "'src/a/b/g' -> 'dst/src/a/b/g'"
	assert_line "  dest:   regular file (new), ext4"
	assert_line --regexp "^  copy_range: chosen: "
	assert_line "  dry run: would make a fifo"
	assert_line "  dry run: would make a symbolic link"
	[ "$(grep -c '^  source: ' <<<"$output")" -eq 3 ]
}

@test "--dry-run with -a, backups, --remove-destination, -f, -u, --parents changes nothing" {
	dst_state >before
	for opts in "-a" "-r --backup=numbered" "-r -b" "-r --remove-destination" "-rf" "-ru" \
		"-r --sparse=always" "-r --reflink=never" "-a --no-preserve=mode"; do
		# shellcheck disable=SC2086
		zcp --dry-run $opts src dst >/dev/null
	done
	zcp --dry-run --parents src/a/f src/a/b/g dst >/dev/null
	zcp --dry-run src/a/f dst/src/a/f >/dev/null
	zcp --dry-run -b src/a/f dst/src/a/f >/dev/null
	echo data | zcp --dry-run - dst/other >/dev/null
	dst_state >after
	diff before after
}

@test "--dry-run to a new destination creates nothing" {
	run zcp --dry-run -r src newdir
	assert_success
	assert_file_not_exist newdir
	run zcp --dry-run src/a/f newfile
	assert_success
	assert_file_not_exist newfile
	assert_line "  dest:   regular file (new), ext4"
	run zcp --dry-run --parents src/a/b/g dst
	assert_success
	assert_file_not_exist dst/src/a/b
}

@test "--dry-run still reports what a real copy would refuse" {
	run zcp --dry-run src/a/f src/a/f
	assert_failure 1
	assert_output --partial "are the same file"
	run zcp --dry-run -r src dst/other
	assert_failure 1
	assert_output --partial "cannot overwrite non-directory"
	run zcp --dry-run nosuch dst
	assert_failure 1
	assert_output --partial "cannot stat 'nosuch'"
}

@test "--dry-run plans sparse sources and across file systems as the copy would" {
	need_root
	mount_tmpfs "$T/tm" 64m
	run zcp --dry-run src/sparse tm/x
	assert_success
	assert_line "  source: regular file, 10485760 bytes, ext4, 1 hole"
	assert_line "  dest:   regular file (new), tmpfs"
	assert_line --regexp "^  sendfile: chosen: "
	assert_file_not_exist tm/x
}

@test "--dry-run of a directory into itself fails as the copy does" {
	mkdir -p d/x
	run zcp --dry-run -r d d/sub
	assert_failure 1
	assert_output --partial "cannot copy a directory, 'd', into itself, 'd/sub'"
	[ ! -e d/sub ]
	mkdir d/sub
	run zcp --dry-run -r d d/sub
	assert_failure 1
	run zcp --dry-run -r d e
	assert_success
}

@test "--dry-run -v: each directory told once, as without -v" {
	mkdir -p s/x
	echo f >s/x/f
	run "$ZCP" -rv --dry-run s e
	assert_success
	[ "$(grep -c "^'s' -> 'e'\$" <<<"$output")" = 1 ]
	[ "$(grep -c "^'s/x' -> 'e/x'\$" <<<"$output")" = 1 ]
	[ "$(grep -c "would make a directory" <<<"$output")" = 2 ]
	assert_not_exist e
}
