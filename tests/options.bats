#!/usr/bin/env bats
# --help, the man page and the three completions name the same options.
#
# The options are read from the live `zcp --help', so an option added to
# the popt table and usage() fails here until man/zcp.1 and completions/
# name it too. Also: the man page renders without warnings, the
# completion scripts parse, and make install/uninstall place and remove
# all five files.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
MAN=$ROOT/man/zcp.1
BASH_COMP=$ROOT/completions/zcp.bash
ZSH_COMP=$ROOT/completions/_zcp
FISH_COMP=$ROOT/completions/zcp.fish

setup() { zcp_setup; }
teardown() { zcp_teardown; }

# Long options (--name) and short options (-x) in a text of option specs,
# one a line, sorted and unique.
longs() { grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | LC_ALL=C sort -u; }
shorts() {
	# Every other character becomes two blanks, so that "-R,-r" gives both.
	sed 's/[^A-Za-z0-9-]/  /g' | grep -oE -- '(^| )-[A-Za-z0-9]( |$)' |
		grep -oE -- '-[A-Za-z0-9]' | LC_ALL=C sort -u
}

# The option column of `zcp --help': the lines that start with blanks and
# a dash, up to the first run of two blanks (where the description starts).
help_specs() {
	"$ZCP" --help | sed -n 's/^ \{1,\}\(-.*\)$/\1/p' | sed 's/  .*//'
}

# The tags of the .TP paragraphs of the man page's OPTIONS section, roff
# escapes and font changes removed.
man_specs() {
	awk '/^\.SH/ { in_opts = ($0 ~ /^\.SH +"?OPTIONS"?$/) }
	     in_opts && prev ~ /^\.TP/ { print }
	     { prev = $0 }' "$MAN" |
		sed -e 's/\\%//g; s/\\&//g; s/\\f[BIRP]//g; s/\\-/-/g; s/"//g'
}

# What the bash completion offers for WORD as the first argument, one a line
# (run in a shell of its own, without bash-completion's helpers).
bash_complete() {
	PATH=$(dirname "$ZCP"):$PATH bash -c '
		source "$1" || exit 1
		COMP_WORDS=(zcp "$2")
		COMP_CWORD=1
		COMP_LINE="zcp $2"
		COMP_POINT=${#COMP_LINE}
		_zcp || exit 1
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BASH_COMP" "$1"
}

bash_specs() {
	bash_complete --
	bash_complete - | grep -xE -- '-[A-Za-z0-9]'
}

# The option specs of the zsh completion: the lines of the _arguments
# array, without the exclusion lists and from the description on.
zsh_specs() {
	sed -n "/^ *args=(/,/^ *)/p" "$ZSH_COMP" |
		sed -e "s/^ *'([^)]*)'//" -e 's/\[.*//' -e "s/'//g"
}

# The -s and -l of each `complete -c zcp' line of the fish completion,
# quoted arguments (descriptions, values) removed.
fish_specs() {
	grep -E '^complete +-c +zcp' "$FISH_COMP" | sed -e "s/\\\\'//g" -e "s/'[^']*'//g" |
		awk '{ for (i = 1; i < NF; i++) {
			if ($i == "-l" || $i == "--long-option") print "--" $(i + 1)
			if ($i == "-s" || $i == "--short-option") print "-" $(i + 1)
		} }'
}

# same_set WHAT NAME_A FILE_A NAME_B FILE_B: the two sets are equal, or
# fail and say which options one has that the other lacks.
same_set() {
	local what=$1 na=$2 fa=$3 nb=$4 fb=$5 only_a only_b
	only_a=$(LC_ALL=C comm -23 "$fa" "$fb" | tr '\n' ' ')
	only_b=$(LC_ALL=C comm -13 "$fa" "$fb" | tr '\n' ' ')
	if [ -n "$only_a$only_b" ]; then
		echo "$what options differ between $na and $nb:" >&2
		[ -z "$only_a" ] || echo "  in $na, missing from $nb: $only_a" >&2
		[ -z "$only_b" ] || echo "  in $nb, not in $na: $only_b" >&2
		return 1
	fi
}

# check_all KIND (longs|shorts): every source against --help.
check_all() {
	local kind=$1 src fail=0
	help_specs | $kind >"help.$kind"
	[ -s "help.$kind" ] || { echo "no $kind options found in zcp --help" >&2; return 1; }
	man_specs | $kind >"man.$kind"
	bash_specs | $kind >"bash.$kind"
	zsh_specs | $kind >"zsh.$kind"
	fish_specs | $kind >"fish.$kind"
	for src in man bash zsh fish; do
		same_set "$kind:" "zcp --help" "help.$kind" "$src" "$src.$kind" || fail=1
	done
	return $fail
}

@test "--help parses: the extraction finds the options every zcp has" {
	help_specs | longs >l
	help_specs | shorts >s
	for o in --archive --recursive --method --explain --stats --help --version; do
		grep -qx -- "$o" l || fail "$o not found in zcp --help"
	done
	for o in -a -R -r -t -T -v; do
		grep -qx -- "$o" s || fail "$o not found in zcp --help"
	done
}

@test "long options: --help, man page, bash, zsh and fish completions agree" {
	run check_all longs
	assert_success
}

@test "short options: --help, man page, bash, zsh and fish completions agree" {
	run check_all shorts
	assert_success
}

@test "the checks notice an option missing from the others" {
	# A --help with one more option must fail against every other source.
	help_specs | longs >help.longs
	echo --no-such-option >>help.longs
	LC_ALL=C sort -u -o help.longs help.longs
	man_specs | longs >man.longs
	run same_set long: "zcp --help" help.longs man man.longs
	assert_failure
	assert_output --partial "missing from man: --no-such-option"
}

@test "man page has the sections and lists every method of --help" {
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS METHODS '"EXPLAIN OUTPUT"' STATISTICS \
		'"EXIT STATUS"' ENVIRONMENT EXAMPLES '"SEE ALSO"'; do
		grep -qx -- ".SH $s" "$MAN" || fail "man/zcp.1 lacks .SH $s"
	done
	methods=$("$ZCP" --help | sed -n 's/^Methods, in the default order: //p' | tr -d '.' | tr ',' ' ')
	[ -n "$methods" ] || fail "no method list in zcp --help"
	for m in $methods; do
		awk '/^\.SH METHODS/ { on = 1; next } /^\.SH/ { on = 0 }
		     on && prev ~ /^\.TP/ { print } { prev = $0 }' "$MAN" | sed 's/\\%//g' |
			grep -qx -- ".B $m" || fail "method $m of --help has no entry under METHODS in man/zcp.1"
	done
}

@test "man -l renders the man page without warnings" {
	command -v man >/dev/null || skip "man not installed (man-db)"
	run bash -c 'MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null' _ "$MAN"
	assert_success
	assert_output ""
	run bash -c 'MANWIDTH=80 man -l "$1" 2>/dev/null' _ "$MAN"
	assert_output --partial "zcp - copy files and directories"
}

@test "groff -man -ww finds nothing to warn about" {
	command -v groff >/dev/null || skip "groff not installed (groff-base)"
	run groff -man -ww -z "$MAN"
	assert_success
	assert_output ""
}

@test "bash completion parses and completes option values" {
	run bash -n "$BASH_COMP"
	assert_success
	assert_output ""
	run bash_complete --sparse=
	assert_success
	assert_output "$(printf '%s\n' --sparse=auto --sparse=always --sparse=never)"
	run bash_complete --stats=j
	assert_output "--stats=json"
	run bash_complete --method=
	for m in $("$ZCP" --help | sed -n 's/^Methods, in the default order: //p' | tr -d '.' | tr ',' ' '); do
		assert_line -- "--method=$m"
	done
}

@test "zsh completion parses (zsh -n)" {
	command -v zsh >/dev/null || skip "zsh not installed"
	run zsh -n "$ZSH_COMP"
	assert_success
	assert_output ""
}

@test "fish completion parses (fish -n)" {
	command -v fish >/dev/null || skip "fish not installed"
	run fish -n "$FISH_COMP"
	assert_success
	assert_output ""
}

@test "make install and make uninstall place and remove zcp, man page and completions" {
	command -v make >/dev/null || skip "make not installed"
	# -o zcp: install the zcp that is there, never rebuild it here (make
	# check SANITIZE=1 has put a sanitizer build at ./zcp).
	run make -s -C "$ROOT" -o zcp install DESTDIR="$T/root" PREFIX=/usr
	assert_success
	assert_file_executable "$T/root/usr/bin/zcp"
	cmp "$ROOT/zcp" "$T/root/usr/bin/zcp"
	cmp "$MAN" "$T/root/usr/share/man/man1/zcp.1"
	cmp "$BASH_COMP" "$T/root/usr/share/bash-completion/completions/zcp"
	cmp "$FISH_COMP" "$T/root/usr/share/fish/vendor_completions.d/zcp.fish"
	# zsh's directory differs between distributions: anywhere under share/zsh.
	zsh_file=$(find "$T/root/usr/share/zsh" -name _zcp -type f)
	[ -n "$zsh_file" ] || fail "_zcp not installed under /usr/share/zsh"
	cmp "$ZSH_COMP" "$zsh_file"
	run "$T/root/usr/bin/zcp" --version
	assert_success

	run make -s -C "$ROOT" uninstall DESTDIR="$T/root" PREFIX=/usr
	assert_success
	run find "$T/root" -type f
	assert_output ""
}
