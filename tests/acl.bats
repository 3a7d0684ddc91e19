#!/usr/bin/env bats
# POSIX ACLs go with the mode, as in GNU cp (the oracle throughout): kept
# by -p, --preserve=mode, -a; never taken from the source otherwise; the
# destination directory's default ACL applies to what is created in it.

load helpers

setup() {
	zcp_setup
	command -v setfacl >/dev/null || skip "setfacl (acl) not installed"
	umask 022
	export LC_ALL=C
}
teardown() { zcp_teardown; }

# acl_snap PATH: mode and ACL (access and default) of PATH and all below it.
acl_snap() {
	local p
	find "$1" | LC_ALL=C sort | while read -r p; do
		echo ".${p#"$1"} $(stat -c %A "$p")"
		getfacl -cpn "$p" 2>&1 | grep -v '^$' | sed 's/^/  /'
	done
}

# same_as_cp DSTDIR ARGS... SRC: cp ARGS SRC DSTDIR/cp and zcp ARGS SRC
# DSTDIR/zcp give the same modes, ACLs, exit status and messages; prints
# them all ("status N" first) for the test to check what they must be.
same_as_cp() {
	local dir=$1 want got
	shift
	local src=${*: -1} args=("${@:1:$#-1}")
	run cp "${args[@]}" "$src" "$dir/cp"
	local cp_status=$status cp_out=${output//cp: /zcp: }
	run zcp "${args[@]}" "$src" "$dir/zcp"
	[ "$status" -eq "$cp_status" ] || { echo "status: cp $cp_status, zcp $status"; return 1; }
	[ "${output//\/zcp/\/cp}" = "$cp_out" ] ||
		{ echo "messages differ: cp: $cp_out; zcp: $output"; return 1; }
	want=$(acl_snap "$dir/cp")
	got=$(acl_snap "$dir/zcp")
	[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
	echo "status $status"
	echo "$output"
	echo "$got"
}

# A file whose ACL mask (rwx) is wider than its group entry (r--): the
# mode's group bits are the mask, so a copy without the ACL is group-writable.
mk_acl_file() {
	echo data >"$1"
	chmod 640 "$1"
	setfacl -m u:nobody:rwx "$1"
}

# A tree with access ACLs on files and directories and default ACLs.
mk_acl_tree() {
	mkdir -p "$1/sub/deeper" "$1/plain"
	mk_acl_file "$1/f"
	echo plain >"$1/plain/p"
	setfacl -m g:nogroup:rwx "$1/sub"
	setfacl -d -m u:nobody:rx,g::rwx "$1/sub"
	echo inherit >"$1/sub/inherited"
	echo deep >"$1/sub/deeper/d"
	chmod 700 "$1/plain"
}

@test "acl: -p keeps the ACL and does not widen the group bits" {
	mk_acl_file f
	run zcp -p f g
	assert_success
	cmp f g
	run getfacl -cp g
	assert_line "user:nobody:rwx"
	assert_line "group::r--"
	assert_line "mask::rwx"
	mkdir out
	same_as_cp out -p f
}

@test "acl: --preserve=mode, -a and --preserve=all keep the ACL as cp" {
	mk_acl_file f
	for opt in --preserve=mode -a --preserve=all; do
		rm -rf out; mkdir out
		run same_as_cp out "$opt" f
		assert_success
		assert_output --partial "user:65534:rwx"
	done
}

@test "acl: --preserve=xattr alone carries no ACL, as cp" {
	mk_acl_file f
	mkdir out
	run same_as_cp out --preserve=xattr f
	assert_success
	refute_output --regexp "nobody|65534"
}

@test "acl: without -p a copy takes no ACL from the source" {
	mk_acl_file f
	mkdir out
	run same_as_cp out f
	assert_success
	refute_output --regexp "nobody|65534"
	rm -rf out; mkdir out
	run same_as_cp out -a --no-preserve=mode f
	assert_success
	refute_output --regexp "nobody|65534"
}

@test "acl: directories keep access and default ACLs with -rp and -a" {
	mk_acl_tree src
	for opt in -rp -a "-r --preserve=mode"; do
		rm -rf out; mkdir out
		# shellcheck disable=SC2086
		run same_as_cp out $opt src
		assert_success
		assert_output --partial "default:user:65534:r-x"
		assert_output --partial "group:65534:rwx"
	done
}

@test "acl: -r without -p: no ACL from the source, none kept" {
	mk_acl_tree src
	mkdir out
	run same_as_cp out -r src
	assert_success
	refute_output --regexp "nobody|65534"
}

@test "acl: a default ACL where the copy lands applies as with cp, under any umask" {
	mk_acl_tree src
	mk_acl_file src/wide
	chmod 777 src/wide src/sub/deeper
	for m in 077 027 002 000 022; do
		for opt in -r "-r --no-preserve=mode" -rp -a "-r --preserve=ownership"; do
			rm -rf out; mkdir out
			setfacl -d -m u:nobody:rwx,g::rwx,o::rwx out
			umask $m
			# shellcheck disable=SC2086
			run same_as_cp out $opt src
			umask 022
			[ "$status" -eq 0 ] || echo "umask $m, $opt"
			assert_success
		done
	done
}

@test "acl: -p from a file without ACL drops the ACL the destination had" {
	echo a >plain
	chmod 644 plain
	mk_acl_file g
	mk_acl_file h
	cp -p plain g
	zcp -p plain h
	[ "$(acl_snap g)" = "$(acl_snap h)" ]
	run getfacl -cp h
	refute_output --regexp "nobody|65534"
	mkdir plaind dd
	setfacl -d -m u:nobody:rwx dd
	run same_as_cp dd -rp plaind
	assert_success
	refute_output --regexp "nobody|65534"
}

@test "acl: without -p an existing destination keeps its ACL, as cp" {
	echo a >plain
	mk_acl_file g
	mk_acl_file h
	cp plain g
	zcp plain h
	[ "$(acl_snap g)" = "$(acl_snap h)" ]
	run getfacl -cp h
	assert_output --regexp "nobody|65534"
}

@test "acl: a destination without ACL support: a trivial ACL is only a mode" {
	need_root
	mkdir m
	mount -t ramfs ramfs m || fail "cannot mount ramfs"
	MOUNTS+=("$T/m")
	echo a >t
	chmod 751 t
	mkdir d
	setfacl -m u::rwx d
	for opt in -p --preserve=mode -a; do
		rm -rf m/*
		run same_as_cp m "$opt" t
		assert_success
		assert_line "status 0"
		assert_output --partial "rwxr-x--x"
		rm -rf m/*
		run same_as_cp m -r "$opt" d
		assert_success
		assert_line "status 0"
	done
}

@test "acl: a destination without ACL support: a real ACL is cp's error" {
	need_root
	mkdir m
	mount -t ramfs ramfs m || fail "cannot mount ramfs"
	MOUNTS+=("$T/m")
	mk_acl_file f
	mk_acl_tree src
	for opt in -p --preserve=mode -a --preserve=all; do
		rm -rf m/*
		run same_as_cp m "$opt" f
		assert_success
		assert_line "status 1"
		assert_output --partial "zcp: preserving permissions for 'm/zcp': Operation not supported"
		rm -rf m/*
		run same_as_cp m -r "$opt" src
		assert_success
		assert_line "status 1"
	done
	# Without -p nothing is lost, nothing to say.
	rm -rf m/*
	run same_as_cp m -r src
	assert_success
	assert_line "status 0"
	assert_output --partial "f -rw-r-x---"
}

@test "acl: --stats counts the ACL calls as strace sees them" {
	need_plain_build
	mk_acl_tree src
	mkdir out
	strace -f -c -o trace.txt "$ZCP" --stats=json -a src out/copy >s.json
	strace_agrees trace.txt s.json
	[ "$(jq '.measured.syscalls.fsetxattr' s.json)" -gt 0 ]
	[ "$(jq '.measured.syscalls.fremovexattr' s.json)" -gt 0 ]
}
