#!/usr/bin/env bats
# cp's options that zcp gained for issue 9, GNU cp as the oracle: backup
# suffix fallbacks, --attributes-only, -x, --copy-contents,
# --strip-trailing-slashes, -Z/--context, -l and -s with cp's rules.
# --update=none-fail and --keep-directory-symlink are cp 9.5's: cp 9.1
# here lacks them, so they are tested against what coreutils documents.

load helpers
load oracle

setup() { zcp_setup; }
teardown() { zcp_teardown; }

fixture() {
	touch 'a b' 'x$y'
	printf 'alpha\n' >a
	printf 'old\n' >b
	chmod 600 a
	mkdir -p d/sub e
	printf 'x\n' >d/x
	ln -s x d/lx
	ln d/x d/hx
	touch -h -d @1600000000 a b d/x d/lx d/sub d e
}

@test "-S '' falls back to ~" {
	same -S '' -b a b
	[ "$CRC" -eq 0 ]
	[ -f "$T/z/b~" ]
}

@test "-S with a / falls back to ~" {
	same --suffix=x/y -b a b
	[ "$CRC" -eq 0 ]
	[ -f "$T/z/b~" ]
}

@test "--attributes-only: a new file is empty, an existing one keeps its data" {
	same --attributes-only -p a b
	same --attributes-only -p a c
	[ "$(cat "$T/z/b")" = old ]
	[ ! -s "$T/z/c" ]
	[ "$(stat -c %a "$T/z/c")" = 600 ]
}

@test "--attributes-only -r: files in a tree are made empty" {
	same --attributes-only -a d f
	[ -f "$T/z/f/x" ] && [ ! -s "$T/z/f/x" ]
}

@test "-x: a directory on another file system is made, empty" {
	fixture() {
		mkdir -p t/m t/n
		echo 1 >t/n/f
		mount -t tmpfs tmpfs t/m || return 1
		echo 2 >t/m/g
		mkdir t/m/h
	}
	same -rx t u
	umount "$T/c/t/m" "$T/z/t/m"
	[ "$CRC" -eq 0 ]
	[ -d "$T/z/u/m" ] && [ -f "$T/z/u/n/f" ]
	[ -z "$(ls -A "$T/z/u/m")" ]
}

@test "--copy-contents -r reads a device as data" {
	fixture() { mkdir t && mknod t/null c 1 3 && echo 1 >t/f; }
	same -r --copy-contents t u
	[ -f "$T/z/u/null" ] && [ ! -s "$T/z/u/null" ]
	same -r t v
	[ -c "$T/z/v/null" ]
}

@test "--strip-trailing-slashes strips SOURCE operands" {
	same --strip-trailing-slashes -r d/// e
	[ -d "$T/z/e/d/sub" ]
}

@test "-Z is accepted; --context=CTX warns as cp does without SELinux" {
	same -Z a c
	same --context=system_u:object_r:tmp_t:s0 a c
	[[ $CERR == *"warning: ignoring --context"* ]]
	same --context a c
	[ "$CRC" -eq 0 ]
}

@test "--update=none-fail: an existing destination is an error, others copied" {
	fixture
	run "$ZCP" --update=none-fail a c
	assert_success
	cmp a c
	run "$ZCP" --update=none-fail a b
	assert_failure 1
	assert_output "zcp: not replacing 'b'"
	[ "$(cat b)" = old ]
	run "$ZCP" --update=none-fail -b a b
	assert_failure 1
	assert_output --partial "mutually exclusive"
}

@test "--keep-directory-symlink with -RT --copy-contents follows a destination symlink" {
	# coreutils' tests/cp/keep-directory-symlink.sh
	mkdir -p a b/d/e b2
	ln -s ../b2 a/d
	touch b/d/e/f
	run "$ZCP" -RT --copy-contents b a
	assert_failure
	assert_output --partial "cannot overwrite non-directory"
	run "$ZCP" -RT --copy-contents --keep-directory-symlink b a
	assert_success
	[ -L a/d ] && [ -f b2/e/f ]
}

@test "-s: relative symlinks only in the current directory" {
	same -s a l
	[ "$(readlink "$T/z/l")" = a ]
	same -s a e/l
	[[ $CERR == *"e/l: can make relative symbolic links only in current directory"* ]]
}

@test "-s with an absolute source, -r -s makes directories and links" {
	fixture() { mkdir -p d/s; echo 2 >d/s/g; }
	mkdir -p "$T/abs" && (cd "$T/abs" && fixture)
	same -rs "$T/abs/d" e
	[ "$(readlink "$T/z/e/s/g")" = "$T/abs/d/s/g" ]
	same -rs d e
	[ "$CRC" -eq 1 ]
}

@test "-l: hard links, same-file, an existing destination, -f, -b" {
	same -l a c
	[ "$(stat -c %h "$T/z/a")" = 2 ]
	same -l a b
	[[ $CERR == *"cannot create hard link 'b' to 'a': File exists"* ]]
	same -lf a b
	[ "$(stat -c %i "$T/z/a")" = "$(stat -c %i "$T/z/b")" ]
	same -lb a b
	[ -f "$T/z/b~" ]
	same -l a a
	[ "$CRC" -eq 0 ]
	same -l d/x d/hx
	[ "$CRC" -eq 0 ]
}

@test "-rl links the files of a tree, following symlinks unless -P" {
	same -rl d f
	[ "$(stat -c %i "$T/z/d/x")" = "$(stat -c %i "$T/z/f/lx")" ]
	same -rlP d g
	[ -L "$T/z/g/lx" ]
}

@test "-s and -f replace a destination; -l and -s together are refused" {
	same -sf a b
	[ -L "$T/z/b" ]
	same -ls a c
	[[ $CERR == *"cannot make both hard and symbolic links"* ]]
}

@test "--parents: one SOURCE named twice (relative, then absolute) is copied once, with cp's warning; another name of its file is copied" {
	mkdir -p src other
	echo a >src/f
	ln src/f other/f
	for tool in cp "$ZCP"; do
		rm -rf d
		mkdir d
		run "$tool" --parents src/f "$PWD/src/f" other/f d
		assert_success
		assert_output "${tool##*/}: warning: source file '$PWD/src/f' specified more than once"
		[ "$(find d -type f | sort | tr '\n' ' ')" = "d/other/f d/src/f " ]
	done
}

@test "-s: a relative link outside the current directory is refused with the name quoted as cp quotes it" {
	for n in 'a b' 'x$y' a; do
		same -s "$n" "d/sub/$n"
		[ "$CRC" -eq 1 ]
	done
}
