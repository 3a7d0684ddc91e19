#!/usr/bin/env bats
# getopt_long's rules, as cp reads its command line: abbreviations of long
# options, ambiguous ones, options after operands, POSIXLY_CORRECT, "--".
# GNU cp is the oracle: each case runs `cp ARGS` and `zcp ARGS` in two
# copies of one fixture and compares exit status, stdout, stderr (program
# name normalised) and the resulting tree.

load helpers
load oracle

setup() { zcp_setup; }
teardown() { zcp_teardown; }

fixture() {
	printf 'alpha\n' >a
	printf 'beta\n' >b
	mkdir -p d/sub e
	printf 'x\n' >d/x
	touch -d @1600000000 a b d/x d/sub d e
}

@test "a unique prefix is the option: --recur --verb --pres=mode --no-t" {
	same --recur --verb --pres=mode d --no-t e
	[ "$CRC" -eq 0 ]
	[ -d "$T/z/e/sub" ]
}

@test "a unique prefix is the option: --back --suff=.x --remove" {
	same --back --suff=.x --remove a b
	[ -f "$T/z/b.x" ]
}

@test "--suff with its argument in the next word, -S glued and apart" {
	same --suff .y --backup a b
	same -S.z -vb a b
	[ -f "$T/z/b.z" ]
}

@test "a required argument that starts with a dash is the argument: -S -x" {
	same -bS -x a b
	[ -f "$T/z/b-x" ]
}

@test "cp's options first: --b is --backup, --st is --strip-trailing-slashes (not zcp's --bench, --stats)" {
	same --b=simple a b
	[ -f "$T/z/b~" ]
	same --st -t e a/
	[ "$CRC" -eq 0 ]
	# zcp's own where cp has nothing: --ex is --explain
	run "$ZCP" --ex "$T/z/a" "$T/z/c"
	assert_success
	assert_line --partial "copy_range: chosen"
}

@test "an exact name wins over the longer names it abbreviates" {
	# --update is also a prefix of nothing else, --no-preserve and --preserve:
	# "--pre" abbreviates --preserve only.
	same --pre a c
	[ "$CRC" -eq 0 ]
}

@test "an aliased option is not ambiguous with its alias: --pa is --parents" {
	same --pa d/x b
	[[ $CERR == *"with --parents"* ]]
}

@test "ambiguous prefix: --no lists the four, exit 1" {
	same --no a c
	[ "$CRC" -eq 1 ]
	[[ $CERR == *"option '--no' is ambiguous; possibilities: '--no-clobber' '--no-dereference' '--no-preserve' '--no-target-directory'"* ]]
	[ ! -e "$T/z/c" ]
}

@test "ambiguous prefixes: --r, --a, --c, --p, --n" {
	for p in --r --a --c --p --n; do
		same "$p" a c
		[[ $CERR == *"is ambiguous"* ]]
	done
}

@test "ambiguous prefix with an argument names the whole word: --re=x" {
	same --re=x a c
	[[ $CERR == *"option '--re=x' is ambiguous"* ]]
}

@test "unknown long option, unknown short option in a cluster" {
	same --frobnicate a c
	[[ $CERR == *"unrecognized option '--frobnicate'"* ]]
	same -vQ a c
	[[ $CERR == *"invalid option -- 'Q'"* ]]
	same -verbose a c
	[[ $CERR == *"invalid option -- 'e'"* ]]
}

@test "an argument to an option that takes none; a missing required one" {
	same --verb=yes a c
	[[ $CERR == *"option '--verbose' doesn't allow an argument"* ]]
	same a c --suf
	[[ $CERR == *"option '--suffix' requires an argument"* ]]
	same a c -S
	[[ $CERR == *"option requires an argument -- 'S'"* ]]
}

@test "options after operands are options: zcp a c -v" {
	same a c -v
	[ "$CRC" -eq 0 ]
	grep -q "'a' -> 'c'" "$T/z.out"
}

@test "options after operands: a directory operand then -r, -t last" {
	same a d -r -t e --verb
	[ "$CRC" -eq 0 ]
}

@test "POSIXLY_CORRECT: an option after an operand is an operand" {
	same --env POSIXLY_CORRECT=1 a c -v
	[ "$CRC" -eq 1 ]
	[[ $CERR == *"target '-v'"* ]]
}

@test "-- ends the options: zcp -- a -v copies a to a file named -v" {
	same -- a -v
	[ "$CRC" -eq 0 ]
	[ -f "$T/z/-v" ]
	same -v -- a --verb
	[ -f "$T/z/--verb" ]
}

@test "a second -- is an operand" {
	same -- -- a
	[ "$CRC" -eq 1 ]
}

@test "- alone is an operand, not an option" {
	same --env POSIXLY_CORRECT=1 a - -v
	[ "$CRC" -eq 1 ]
}

@test "optional arguments: --backup alone does not take the next word" {
	same --backup a b
	[ -f "$T/z/b~" ]
	same --back=numbered a b
	[ -f "$T/z/b.~1~" ]
}

@test "argument words are abbreviated too: --sparse=al, --pres=mo,time, --backup=nu" {
	same --sparse=al a c
	same --pres=mo,time a e
	same --backup=nu a b
	[ -f "$T/z/b.~1~" ]
}

@test "an ambiguous argument word: --sparse=a" {
	same --sparse=a a c
	[[ $CERR == *"ambiguous argument"* ]]
}

@test "--help and --version abbreviated: --he, --vers" {
	run "$ZCP" --he
	assert_success
	assert_output --partial "Usage: "
	run "$ZCP" --vers
	assert_success
	assert_line --index 0 --regexp '^zcp '
}
