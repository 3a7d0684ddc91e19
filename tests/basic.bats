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

@test "stdin has no name to hard link to nor attributes to copy: refused, DEST untouched" {
	echo data >f
	for o in "-l --remove-destination" -l -lf --attributes-only; do
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
