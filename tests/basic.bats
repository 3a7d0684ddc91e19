#!/usr/bin/env bats
# The smallest promises: it builds, runs, copies a file byte for byte.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

@test "--version and --help exit 0" {
	run zcp --version
	assert_success
	assert_output --partial "zcp "
	run zcp --help
	assert_success
	assert_output --partial "Usage: zcp"
}

@test "copies one file byte for byte" {
	mkrand a 100000
	run zcp a b
	assert_success
	cmp a b
}

@test "stdin to file and file to stdout" {
	mkrand a 300000
	zcp - b <a
	cmp a b
	zcp a - >c
	cmp a c
	zcp a - | cat >d
	cmp a d
}

@test "stdin is read as data with -r and -a too: a pipe, a file, a device" {
	mkrand a 300000
	for o in -r -a -rp; do
		rm -f b c d
		cat a | zcp $o - b
		[ -f b ]
		cmp a b
		zcp $o - c <a
		cmp a c
		zcp $o - d </dev/null
		[ -f d ]
		[ ! -s d ]
	done
}

@test "stdin has no name to link to nor attributes to copy: refused, DEST untouched" {
	echo data >f
	for o in "-l --remove-destination" -l -lf -s -sf --attributes-only; do
		echo keep >out
		# shellcheck disable=SC2086 # the words of o are options
		run "$ZCP" $o - out <f
		assert_failure 1
		assert_output --partial "standard input: name the source file"
		[ "$(cat out)" = keep ]
		# shellcheck disable=SC2086
		run "$ZCP" $o - new <f
		assert_failure 1
		[ ! -e new ]
	done
}

@test "stdin a directory or closed, stdout closed: an error, nothing written into a copy" {
	mkdir sd d
	echo a >a
	run "$ZCP" -r - n <sd
	assert_failure 1
	assert_output "zcp: cannot read standard input: Is a directory"
	assert_not_exist n
	# (In bash -c: bats' run does not take a closed stdin well.)
	run bash -c '"$0" -r - d/n <&-' "$ZCP"
	assert_failure 1
	assert_output "zcp: cannot read standard input: Bad file descriptor"
	assert_not_exist d/n
	run bash -c '"$0" --files-from=- -t d <&-' "$ZCP"
	assert_failure 1
	assert_output "zcp: cannot open '-' for reading: Bad file descriptor"
	# -v with stdout closed: cp's write error, and the copy is the data alone
	# (a descriptor zcp opened is never taken for stdout).
	run bash -c '"$0" -v a b >&-' "$ZCP"
	assert_failure 1
	assert_output "zcp: write error: Bad file descriptor"
	cmp a b
	run bash -c '"$0" a - >&-' "$ZCP"
	assert_failure 1
	assert_output "zcp: cannot write standard output: Bad file descriptor"
}
