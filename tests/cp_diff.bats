#!/usr/bin/env bats
# Differential tests: GNU cp is the oracle. Each case builds the same
# fixture twice, runs `cp ARGS` in c/ and `zcp ARGS` in z/, and compares
# the exit status, stdout, stderr (program name normalised) and the trees.
# After the comparison, each case checks that the oracle did what the case
# is about, so that a case cannot pass by testing nothing.

load helpers

setup() {
	zcp_setup
	chmod 755 "$T"	# --nobody cases run as nobody inside it
}
teardown() { zcp_teardown; }

# Fixed times, so that the two fixtures are alike to the nanosecond.
stamp() {
	find "${@:-.}" -depth -exec touch -h -d @1600000000.123456789 {} +
}

# Files, a directory tree, symlinks (to a file, a directory, nowhere).
fx_basic() {
	printf 'alpha\n' >a
	printf 'beta\n' >b
	mkdir -p d/sub e
	printf 'x\n' >d/x
	printf 'y\n' >d/sub/y
	ln -s x d/lx
	ln -s sub d/lsub
	ln -s ../a d/la
	ln -s a la
	ln -s nowhere dangling
	ln -s d ld
	chmod 640 b
	stamp
}

own_nobody() { chown -R nobody:nogroup .; }

# both [--times DIR] [--umask MASK] [--stdin TEXT] [--nobody] [--locale L] [--env V=X] [--tmpfs]
#      FIXTURE ARG...
# FIXTURE is shell code run in each side's empty directory. cp and zcp
# both walk a directory in inode order, and ext4 reuses freed inodes, so
# two fixtures made one after the other may list in different orders:
# where the order shows (-v, a copy cut short), --tmpfs builds each side
# on a fresh tmpfs, whose inode numbers follow the order of creation.
both() {
	local times='' mask=022 input='' crc=0 zrc=0 bad=0 tmpfs=
	local -a pre=(env)
	while :; do
		case $1 in
		--times) times=$2; shift 2 ;;
		--umask) mask=$2; shift 2 ;;
		--stdin) input=$2; shift 2 ;;
		--nobody) pre+=(setpriv --reuid=nobody --regid=nogroup --clear-groups); shift ;;
		--locale) pre=(env "LC_ALL=$2" "${pre[@]:1}"); shift 2 ;;
		--env) pre=(env "$2" "${pre[@]:1}"); shift 2 ;;
		--tmpfs) tmpfs=1; shift ;;
		*) break ;;
		esac
	done
	local fixture=$1
	shift
	for side in c z; do
		mkdir "$T/$side"
		if [ -n "$tmpfs" ]; then
			mount_tmpfs "$T/$side" 64m || { echo "cannot mount a tmpfs"; return 1; }
		fi
		(cd "$T/$side" && eval "$fixture") || { echo "fixture failed: $fixture"; return 1; }
	done
	same_order "$T/c" "$T/z"
	printf '%b' "$input" >"$T/in"
	(cd "$T/c" && umask "$mask" && exec "${pre[@]}" cp "$@") \
		<"$T/in" >"$T/c.out" 2>"$T/c.err" || crc=$?
	(cd "$T/z" && umask "$mask" && exec "${pre[@]}" "$ZCP" "$@") \
		<"$T/in" >"$T/z.out" 2>"$T/z.raw" || zrc=$?
	sed -e "s/\(^\|? \)zcp: /\1cp: /g" -e "s/Try 'zcp --help'/Try 'cp --help'/" \
		"$T/z.raw" >"$T/z.err"
	CRC=$crc
	COUT=$(cat "$T/c.out")
	CERR=$(cat "$T/c.err")
	if [ "$crc" != "$zrc" ]; then
		echo "exit status: cp $crc, zcp $zrc"
		bad=1
	fi
	out_diff stdout "$T/c.out" "$T/z.out" || bad=1
	out_diff stderr "$T/c.err" "$T/z.err" || bad=1
	diff -u --label cp.tree --label zcp.tree <(tree_snapshot "$T/c") <(tree_snapshot "$T/z") ||
		bad=1
	if [ -n "$times" ]; then
		diff -u --label cp.times --label zcp.times <(tree_snapshot "$T/c/$times" times) \
			<(tree_snapshot "$T/z/$times" times) || bad=1
	fi
	return $bad
}

oracle_failed() { [ "$CRC" -ne 0 ] && [[ $CERR == *"$1"* ]]; }
oracle_ok() { [ "$CRC" -eq 0 ]; }

# --- same file -------------------------------------------------------------

@test "same file: cp a a" {
	both fx_basic a a
	oracle_failed "are the same file"
}

@test "same file through a hard link" {
	both 'fx_basic; ln a h' a h
	oracle_failed "are the same file"
}

@test "same file: symlink source onto its target" {
	both fx_basic la a
	oracle_failed "are the same file"
}

@test "same file: source onto a symlink to it" {
	both fx_basic a la
	oracle_failed "are the same file"
}

@test "same file: -d symlink over its target" {
	both fx_basic -d la a
	oracle_failed "are the same file"
}

@test "same file: -a onto a hard link" {
	both 'fx_basic; ln a h' -a a h
	oracle_failed "are the same file"
}

@test "same file with -f --backup makes a backup" {
	both fx_basic -f --backup=simple a a
	oracle_ok
	[ -f "$T/c/a~" ]
}

# --- directories -----------------------------------------------------------

@test "directory into itself, new destination" {
	both --tmpfs fx_basic -r d d/new
	oracle_failed "into itself"
}

@test "directory into itself, existing destination" {
	both --tmpfs fx_basic -r d d/sub
	oracle_failed "into itself"
}

@test "directory into itself as its own target directory" {
	both --tmpfs fx_basic -r d d
	oracle_failed "into itself"
}

@test "directory over a non-directory" {
	both fx_basic -r d a
	oracle_failed "cannot overwrite non-directory"
}

@test "non-directory over a directory in the target" {
	both 'fx_basic; mkdir e/a' a e
	oracle_failed "cannot overwrite directory"
}

@test "non-directory over a directory with -T" {
	both fx_basic -T a d
	oracle_failed "cannot overwrite directory"
}

@test "-r into an existing directory merges" {
	both 'fx_basic; mkdir -p e/d/sub; echo old >e/d/x; echo keep >e/d/k' -r d e
	oracle_ok
}

@test "-rT copies the contents into an existing directory" {
	both fx_basic -rT d e
	oracle_ok
	[ -f "$T/c/e/x" ]
}

@test "directory without -r is omitted, the rest copied" {
	both fx_basic a d b e
	oracle_failed "omitting directory"
	[ -f "$T/c/e/b" ]
}

# --- dangling destination symlink -------------------------------------------

@test "dangling destination symlink" {
	both fx_basic a dangling
	oracle_failed "dangling symlink"
}

@test "dangling destination symlink with -n, -i, -u: not spared, not written through" {
	for o in -n -i -u; do
		rm -rf "${T:?}/c" "$T/z"
		both --stdin y fx_basic $o a dangling
		oracle_failed "dangling symlink"
	done
	# One this run made: cp's other message, with -n too.
	for o in "" -n -u; do
		rm -rf "${T:?}/c" "$T/z"
		both 'fx_basic; mkdir s1 s2 e; ln -s /nonexistent s1/l; echo x >s2/l' -d $o s1/l s2/l e
		oracle_failed "just-created symlink"
	done
}

@test "dangling destination symlink with -f" {
	both fx_basic -f a dangling
}

@test "dangling destination symlink with --remove-destination" {
	both fx_basic --remove-destination a dangling
	oracle_ok
	[ -f "$T/c/dangling" ] && [ ! -L "$T/c/dangling" ]
}

@test "a symlink destination is written through" {
	both 'fx_basic; ln -s b lb' a lb
	oracle_ok
	[ -L "$T/c/lb" ]
}

# --- trailing slashes ------------------------------------------------------

@test "trailing slash on a source directory, existing target" {
	both fx_basic -r d/ e
	oracle_ok
	[ -d "$T/c/e/d" ]
}

@test "trailing slash on a source directory, new destination" {
	both fx_basic -r d/ new
	oracle_ok
}

@test "trailing slash on a source file" {
	both fx_basic a/ x
	oracle_failed "Not a directory"
}

@test "trailing slash on a new file destination" {
	both fx_basic a nodir/
	oracle_failed "Not a directory"
}

@test "trailing slash on an existing directory destination" {
	both fx_basic a e/
	oracle_ok
}

@test "trailing slash on a new directory destination with -r" {
	both fx_basic -r d new/
	oracle_ok
}

@test "trailing slash on a symlink to a directory with -r follows it" {
	both fx_basic -r ld/ x
	oracle_ok
	[ -d "$T/c/x" ] && [ ! -L "$T/c/x" ]
}

# --- missing and unreadable sources ----------------------------------------

@test "missing source: report, go on, exit 1" {
	both fx_basic a missing b e
	oracle_failed "cannot stat 'missing'"
	[ -f "$T/c/e/a" ] && [ -f "$T/c/e/b" ]
}

@test "unreadable source (a socket cannot be opened): report, go on" {
	both 'fx_basic; python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"sock\")"' \
		a sock b e
	oracle_failed "cannot open 'sock' for reading"
}

# Root reads anything, so these run both programs as nobody.
@test "unreadable source file (as nobody): report, go on" {
	both --nobody 'fx_basic; echo s >secret; own_nobody; chmod 000 secret' a secret b e
	oracle_failed "Permission denied"
	[ -f "$T/c/e/b" ]
}

@test "unreadable directory in recursion (as nobody)" {
	both --nobody 'fx_basic; mkdir d/locked; echo s >d/locked/f; own_nobody; chmod 000 d/locked' \
		-r d e
	oracle_failed "Permission denied"
	[ -f "$T/c/e/d/x" ]
}

@test "unwritable destination (as nobody) fails without -f" {
	both --nobody 'fx_basic; own_nobody; chmod 444 b' a b
	oracle_failed "Permission denied"
}

@test "-f replaces an unwritable destination (as nobody)" {
	both --nobody 'fx_basic; own_nobody; chmod 444 b' -f a b
	oracle_ok
	cmp "$T/c/a" "$T/c/b"
}

# --- special files ---------------------------------------------------------

@test "FIFO and device node are recreated with -r" {
	both 'fx_basic; mkfifo -m 640 d/fifo; mknod -m 600 d/null c 1 3' -r d e
	oracle_ok
	[ -p "$T/c/e/d/fifo" ] && [ -c "$T/c/e/d/null" ]
	[ "$(stat -c %t:%T "$T/c/e/d/null")" = "$(stat -c %t:%T "$T/z/e/d/null")" ]
}

@test "FIFO and device node on the command line with -a" {
	both 'fx_basic; mkfifo fifo; mknod blk b 7 200' -a fifo blk e
	oracle_ok
	[ -b "$T/z/e/blk" ]
	[ "$(stat -c %t:%T "$T/c/e/blk")" = "$(stat -c %t:%T "$T/z/e/blk")" ]
}

@test "a device's contents are read without -r" {
	both fx_basic /dev/null x
	oracle_ok
	[ -f "$T/c/x" ]
}

# --- symlinks in recursion -------------------------------------------------

@test "-r copies symlinks as symlinks (-P by default)" {
	both fx_basic -r d e
	oracle_ok
	[ -L "$T/c/e/d/lsub" ]
}

@test "-r copies a command-line symlink as a symlink" {
	both fx_basic -r ld la x
	oracle_failed "target 'x'"
}

@test "-rL follows every symlink" {
	both 'fx_basic; rm dangling' -rL d la ld e
	oracle_ok
	[ -d "$T/c/e/d/lsub" ] && [ ! -L "$T/c/e/d/lsub" ]
}

@test "-rH follows command-line symlinks only" {
	both fx_basic -rH ld la e
	oracle_ok
	[ -d "$T/c/e/ld" ] && [ -L "$T/c/e/ld/lsub" ]
}

@test "-d copies symlinks as symlinks without -r" {
	both fx_basic -d la dangling e
	oracle_ok
	[ -L "$T/c/e/la" ]
}

@test "-rL on a dangling symlink fails" {
	both fx_basic -rL dangling e
	oracle_failed "dangling"
}

# --- hard links, times, modes ----------------------------------------------

@test "-a keeps hard links, in the tree and across operands" {
	both 'fx_basic; ln d/x d/sub/hx; ln a h; stamp' -a d a h e
	oracle_ok
	[ "$(stat -c %i "$T/c/e/d/x")" = "$(stat -c %i "$T/c/e/d/sub/hx")" ]
}

@test "-r without -a does not keep hard links" {
	both 'fx_basic; ln d/x d/sub/hx' -r d e
	oracle_ok
}

@test "-p keeps times to the nanosecond" {
	both --times e 'fx_basic; touch -d @1234567890.987654321 a; touch -d @1111111111.000000001 b' \
		-p a b e
	oracle_ok
}

@test "-a keeps a tree's times to the nanosecond" {
	both --times e/d 'fx_basic; touch -d @1234567890.987654321 d/sub/y d/sub; touch -h -d @1000000000.5 d/lx' \
		-a d e
	oracle_ok
}

@test "setuid and setgid bits are dropped without -p" {
	both 'fx_basic; chmod 6755 a; mkdir -m 2775 g' -r a g e
	oracle_ok
}

@test "setuid and setgid bits are kept with -p" {
	both 'fx_basic; chmod 6755 a; mkdir -m 2775 g' -rp a g e
	oracle_ok
	[ "$(stat -c %a "$T/c/e/a")" = 6755 ]
}

@test "umask 027 applies without -p" {
	both --umask 027 'fx_basic; chmod 777 a d; chmod 666 b' -r a b d e
	oracle_ok
	[ "$(stat -c %a "$T/c/e/a")" = 750 ]
}

@test "umask 027 does not apply with -p" {
	both --umask 027 'fx_basic; chmod 777 a d; chmod 666 b' -rp a b d e
	oracle_ok
}

@test "an existing destination keeps its mode without -p" {
	both 'fx_basic; chmod 600 b; chmod 755 a' a b
	oracle_ok
	[ "$(stat -c %a "$T/c/b")" = 600 ]
}

@test "--no-preserve=mode with -a" {
	both --umask 027 'fx_basic; chmod 777 a' -a --no-preserve=mode a d e
	oracle_ok
}

@test "--preserve=timestamps alone" {
	both --times e 'fx_basic; chmod 777 a' --preserve=timestamps a e
	oracle_ok
}

# --- overwrite policy ------------------------------------------------------

@test "-n keeps an existing destination" {
	both fx_basic -n a b
	cmp "$T/c/b" "$T/z/b"
}

@test "-u skips a newer destination, replaces an older one" {
	both 'fx_basic; cp a e/a; cp a e/b; touch -d "2030-01-01" e/a; touch -d "2000-01-01" e/b; touch -d "2020-01-01" a b' \
		-u a b e
	oracle_ok
}

@test "-i answered y" {
	both --stdin 'y\n' fx_basic -i a b
	[[ $CERR == *"overwrite 'b'?"* ]]
}

@test "-i answered n" {
	both --stdin 'n\n' fx_basic -i a b
	[[ $CERR == *"overwrite 'b'?"* ]]
}

@test "-i with several files, answered n then y" {
	both --stdin 'n\ny\n' 'fx_basic; cp a e/a; cp b e/b' -i a b e
}

@test "--remove-destination breaks a hard link" {
	both 'fx_basic; ln b h' --remove-destination a h
	oracle_ok
}

@test "without --remove-destination a hard-linked destination is written in place" {
	both 'fx_basic; ln b h' a h
	oracle_ok
}

# --- backups ---------------------------------------------------------------

@test "-b makes a simple backup" {
	both fx_basic -b a b
	[ -f "$T/c/b~" ]
}

@test "--backup=numbered" {
	both 'fx_basic; echo one >b.~1~; echo two >b.~7~' --backup=numbered a b
	[ -f "$T/c/b.~8~" ]
}

@test "--backup=existing, with and without numbered backups" {
	both 'fx_basic; cp a e/a; cp b e/b; echo one >e/b.~1~' --backup=existing -v a b e
	[ -f "$T/c/e/b.~2~" ] && [ -f "$T/c/e/a~" ]
}

@test "--backup=simple with -S and -v" {
	both fx_basic --backup=simple -S .orig -v a b
	[ -f "$T/c/b.orig" ]
}

@test "-S alone makes backups" {
	both fx_basic -S .bak a b
	[ -f "$T/c/b.bak" ]
}

# A name of n bytes: a..a.
long_name() { printf 'a%.0s' $(seq "$1"); }

@test "a backup name too long is cut as cp cuts it (not a simple one); a cut one replaces no file" {
	local n
	for c in "255 -b" "254 -bv" "253 -b -S xyz" "240 -b -S 0123456789012345678" \
		 "251 --backup=numbered" "253 --backup=existing -v" "255 --backup=t" \
		 "254 --backup=simple" "251 --backup=simple -S .bak"; do
		set -- $c
		n=$(long_name "$1")
		shift
		rm -rf "${T:?}/c" "$T/z"
		both "fx_basic; echo old >$n" "$@" a "$n"
		oracle_ok
	done
	# A simple backup asked for is not cut: too long, it fails as cp's.
	for c in "255 --backup=simple" "253 --backup=simple -S .bak"; do
		set -- $c
		n=$(long_name "$1")
		shift
		rm -rf "${T:?}/c" "$T/z"
		both "fx_basic; echo old >$n; echo precious >${n:0:253}~" "$@" a "$n"
		oracle_failed "File name too long"
		[ "$(cat "$T/z/$n")" = old ] && [ "$(cat "$T/z/${n:0:253}~")" = precious ]
	done
	# Not cut, it does not land on another file's backup name.
	rm -rf "${T:?}/c" "$T/z"
	n=$(long_name 254)
	both "fx_basic; echo old >$n; echo precious >${n:0:253}~" --backup=simple a "$n"
	oracle_ok
	[ "$(cat "$T/z/${n:0:253}~")" = precious ] && [ "$(cat "$T/z/$n~")" = old ]
	# The cut numbered name is there already: cp leaves both files be.
	rm -rf "${T:?}/c" "$T/z"
	n=$(long_name 253)
	both "fx_basic; echo old >$n; echo older >${n}~" --backup=numbered a "$n"
	oracle_failed "File exists"
	[ "$(cat "$T/z/$n")" = old ] && [ "$(cat "$T/z/$n~")" = older ]
	# A cut name that is there may be another file's backup (here the
	# 253-byte name's): zcp keeps it and fails the file; cp replaces it.
	n=$(long_name 255)
	echo old >"$n"
	echo older >"${n:0:253}~"
	echo new >src
	run "$ZCP" -b src "$n"
	assert_failure 1
	assert_output "zcp: cannot backup '$n': File exists"
	[ "$(cat "$n")" = old ] && [ "$(cat "${n:0:253}~")" = older ]
}

@test "--backup with an abbreviated control word" {
	both fx_basic --backup=num a b
	[ -f "$T/c/b.~1~" ]
}

# --- operands and output ---------------------------------------------------

@test "--parents with -v" {
	both fx_basic --parents -v d/sub/y a e
	oracle_ok
	[ -f "$T/c/e/d/sub/y" ]
}

@test "--parents with -r and -p" {
	both --times e 'fx_basic; chmod 700 d/sub; stamp' --parents -rp d/sub e
	oracle_ok
}

@test "--parents -p with a symlink to a directory in DEST: the directory it names gets the mode and times, the link the owner (cp's lchown)" {
	both --times e 'fx_basic; mkdir r; ln -s ../r e/d; chmod 750 d; chown 12:34 d; stamp' --parents -p d/sub/y e
	oracle_ok
	[ "$(stat -c %a "$T/z/r")" = 750 ]
	[ "$(stat -c %u:%g "$T/z/r")" = 0:0 ]
	[ "$(stat -c %u:%g "$T/z/e/d")" = 12:34 ]
}

@test "the same name through a symlinked directory is another name, as cp's same_name: -sb, -P, -Pb, --remove-destination" {
	for args in "-sb a sd/a" "-P la sd/la" "-Pb la sd/la" "-Pf la sd/la" "--remove-destination hla sd/a"; do
		# shellcheck disable=SC2086 # the words are the options
		both 'fx_basic; ln -s . sd; ln -s a la; ln a hla' $args
		rm -rf "${T:?}/c" "$T/z"
	done
}

@test "-al: a second name of a hard-link group is linked to its source, as cp links it; a file in the way is an error, not replaced (-u's kept copy still stands for its group)" {
	fx_group() {
		mkdir -p s/a s/b s/c d/b d/c
		echo new >s/a/f && ln s/a/f s/b/g && ln s/a/f s/c/h
		echo PRECIOUS >d/b/g && chmod 444 d/b/g && ln -s ../../v d/c/h
	}
	for opts in -al -alv -alf -alb "-rl --preserve=links" -dl; do
		# shellcheck disable=SC2086 # the words are the options
		both fx_group $opts s/. d
		rm -rf "${T:?}/c" "$T/z"
	done
	both 'fx_group; touch -d 2000-01-01 s/a/f' -alu s/. d
	oracle_ok
}

@test "-aL: a later name of a hard-link group whose first copy was written through a symlink is linked to what the symlink leads to, as cp links it" {
	fx_vic() {
		mkdir -p s/a s/b s/c d/a
		echo new >s/a/f4 && ln s/a/f4 s/b/g4 && ln s/a/f4 s/c/h4
		echo V >vic2 && ln -s ../../vic2 d/a/f4
	}
	both fx_vic -aL s/. d
	oracle_ok
	[ "$(stat -c %h "$T/z/vic2")" = 3 ]
}

@test "--parents -p with the whole directory there, through a symlink in DEST to one elsewhere: nothing of it is given attributes, as cp gives none" {
	both --times e 'fx_basic; mkdir shared; chmod 1777 shared; ln -s ../shared e/d; chmod 750 d; chown 12:34 d; stamp' --parents -p d/x e
	oracle_ok
	[ "$(stat -c %a "$T/z/shared")" = 1777 ]
	[ "$(stat -c %u:%g "$T/z/e/d")" = 0:0 ]
	rm -rf "${T:?}/c" "$T/z"
	both --times e 'fx_basic; mkdir -p shared/sub; chmod 1777 shared/sub; ln -s ../shared e/d; chmod 750 d/sub; stamp' --parents -a d/sub/y e
	oracle_ok
	[ "$(stat -c %a "$T/z/shared/sub")" = 1777 ]
}

@test "-t DIRECTORY" {
	both fx_basic -t e a b
	oracle_ok
}

@test "-T with a file" {
	both fx_basic -T a e2
	oracle_ok
}

@test "-v output, recursive" {
	both --tmpfs fx_basic -rv d a e
	oracle_ok
	[[ $COUT == *"'d/x' -> 'e/d/x'"* ]]
}

@test "-v with a backup" {
	both fx_basic -bv a b
	[[ $COUT == *backup* ]]
}

@test "multiple sources into a directory" {
	both fx_basic -r a b d la e
	oracle_ok
}

@test "source specified more than once" {
	both fx_basic a a e
	[[ $CERR == *"specified more than once"* ]]
}

@test "source directory specified more than once" {
	both fx_basic -r d d e
	[[ $CERR == *"specified more than once"* ]]
}

@test "-l and -s: a link made from one operand is not replaced by the next (-f, -b too); another name of its file is" {
	local fx='mkdir s1 s2 dst; echo 1 >s1/f; echo 2 >s2/f; stamp'
	for args in "-lf s1/f s2/f dst" "-l s1/f s2/f dst" "-l --remove-destination s1/f s2/f dst" \
		"-lfb s1/f s2/f dst" "-sf $T/c/s1/f $T/c/s2/f dst" "-s $T/c/s1/f $T/c/s2/f dst"; do
		# (-s needs absolute targets: the same ones on both sides, cp's.)
		# shellcheck disable=SC2086 # the words of args are options and operands
		both "$fx" $args
		oracle_failed "will not overwrite just-created 'dst/f'"
		[ "$(cat "$T/z/dst/f")" = 1 ]
		rm -rf "$T/c" "$T/z"
	done
	# dst/b was there, a second name of a: replaced as any file is.
	both 'echo a >a; echo b >b; mkdir dst; ln a dst/b; stamp' -lf a b dst
	oracle_ok
	[ "$(cat "$T/z/dst/b")" = b ]
	rm -rf "$T/c" "$T/z"
	both 'mkdir s1 dst; echo 1 >s1/f; stamp' -l s1/f s1/f dst
	oracle_ok
	[[ $CERR == *"specified more than once"* ]]
}

@test "'specified more than once' is the same name again, as cp keys it; another name of the file just made is just-created" {
	# sub/a is a second name of a: cp refuses it onto the copy of a.
	both 'echo a >a; mkdir sub d; ln a sub/a; stamp' a sub/a d
	oracle_failed "will not overwrite just-created 'd/a' with 'sub/a'"
	[ "$(cat "$T/z/d/a")" = a ]
	rm -rf "$T/c" "$T/z"
	# ./a and sub/../a are a again: a warning, exit 0.
	both 'echo a >a; mkdir sub d; stamp' a ./a sub/../a d
	oracle_ok
	[[ $CERR == *"source file './a' specified more than once"* ]]
	rm -rf "$T/c" "$T/z"
	# srcl/f names f through a symlink to its directory: another name.
	both 'mkdir src d; echo a >src/f; ln -s src srcl; stamp' src/f srcl/f src//f d
	oracle_failed "will not overwrite just-created 'd/f' with 'srcl/f'"
	[[ $CERR == *"source file 'src//f' specified more than once"* ]]
	rm -rf "$T/c" "$T/z"
	# -s: the second SOURCE is the symlink the first made, not a again.
	both 'echo A >A; mkdir D; stamp' -sf "$T/c/A" "$T/c/D/A" D
	oracle_failed "will not overwrite just-created 'D/A' with '$T/c/D/A'"
	[ "$(readlink "$T/z/D/A")" = "$T/c/A" ]
}

@test "just-created is the name made, as cp keys it: another name of that file (a hard link, a symlink to it) is written as any existing file" {
	both 'mkdir x1 y dd; echo one >x1/a; echo yb >y/b; echo pre >dd/a; ln dd/a dd/b; stamp' x1/a y/b dd
	oracle_ok
	[ "$(cat "$T/z/dd/a")" = yb ]
	rm -rf "$T/c" "$T/z"
	both 'mkdir x1 y dd; echo one >x1/a; echo yb >y/b; echo pre >dd/a; ln -s a dd/b; stamp' x1/a y/b dd
	oracle_ok
	[ "$(cat "$T/z/dd/a")" = yb ]
	rm -rf "$T/c" "$T/z"
	both 'mkdir x1 y dd; echo one >x1/a; echo ya >y/a; echo pre >dd/a; ln dd/a dd/b; stamp' x1/a y/a dd
	oracle_failed "will not overwrite just-created 'dd/a' with 'y/a'"
}

@test "-lfv and -sfv say nothing of the file -f replaced (cp's force_linkat); -av's second hard link does" {
	local fx='echo 1 >f; mkdir d; echo old >d/f; stamp'
	both "$fx" -lfv f d
	oracle_ok
	[ "$COUT" = "'f' -> 'd/f'" ]
	[ "$(stat -c %h "$T/z/d/f")" = 2 ]
	rm -rf "$T/c" "$T/z"
	both "$fx" -sfv "$T/c/f" d
	oracle_ok
	[ "$COUT" = "'$T/c/f' -> 'd/f'" ]
	[ "$(readlink "$T/z/d/f")" = "$T/c/f" ]
	rm -rf "$T/c" "$T/z"
	both 'mkdir -p s d/s; echo 1 >s/a; ln s/a s/b; echo old >d/s/a; echo old >d/s/b; stamp' -av s d
	oracle_ok
	[[ $COUT == *"removed 'd/s/"* ]]
	[ "$(stat -c %h "$T/z/d/s/a")" = 2 ]
}

@test "-i answered yes replaces an existing file by a hard link (-l), not by a symlink (-s): cp's rule" {
	local fx='mkdir d; echo a >a; echo old >d/a; stamp'
	both --stdin 'y\n' "$fx" -il a d
	oracle_ok
	[ "$(stat -c %h "$T/z/d/a")" = 2 ]
	rm -rf "$T/c" "$T/z"
	both --stdin 'y\n' "$fx" -ril a d
	oracle_ok
	rm -rf "$T/c" "$T/z"
	both --stdin 'n\n' "$fx" -il a d
	oracle_ok
	[ "$(cat "$T/z/d/a")" = old ]
	rm -rf "$T/c" "$T/z"
	both --stdin 'y\n' "$fx" -is "$T/c/a" d
	oracle_failed "cannot create symbolic link 'd/a'"
	[ "$(cat "$T/z/d/a")" = old ]
}

@test "DEST a symlink loop: 'cannot stat' as cp, -f removes it; --attributes-only onto a dangling symlink" {
	local fx='echo a >a; ln -s loop2 loop1; ln -s loop1 loop2; ln -s nowhere dl; stamp'
	for o in "" -n -u -T -L -f -b; do
		# shellcheck disable=SC2086 # o is an option or none
		both "$fx" $o a loop1
		rm -rf "$T/c" "$T/z"
	done
	both "$fx" a loop1
	oracle_failed "cannot stat 'loop1': Too many levels of symbolic links"
	for args in "a dl" "a dl/" "a loop1"; do
		rm -rf "$T/c" "$T/z"
		# shellcheck disable=SC2086
		both "$fx" --attributes-only $args
		oracle_failed ""
	done
	[[ $CERR == *"Too many levels"* ]]
}

@test "-v tells a directory once it is made: not one whose mkdir fails (as nobody)" {
	both --nobody 'mkdir -p s/x/y d/x; echo f >s/x/f; own_nobody; chmod 555 d/x' -rv s/x d/x
	oracle_failed "cannot create directory 'd/x/x': Permission denied"
	[ -z "$COUT" ]
}

@test "will not overwrite just-created" {
	both 'fx_basic; mkdir p1 p2; echo 1 >p1/f; echo 2 >p2/f' p1/f p2/f e
	oracle_failed "will not overwrite just-created"
}

@test "missing file operand" {
	both fx_basic
	oracle_failed "missing file operand"
}

@test "missing destination file operand" {
	both fx_basic a
	oracle_failed "missing destination file operand"
}

@test "extra operand with -T" {
	both fx_basic -T a b e
	oracle_failed "extra operand"
}

@test "-t with -T" {
	both fx_basic -t e -T a
	oracle_failed "cannot combine"
}

@test "target is not a directory" {
	both fx_basic a b la
	oracle_failed "target 'la': Not a directory"
}

@test "target does not exist" {
	both fx_basic a b nothere
	oracle_failed "target 'nothere'"
}

@test "-t with a missing directory" {
	both fx_basic -t nothere a
	oracle_failed "nothere"
}

@test "--parents without a directory target" {
	both fx_basic --parents a b
	oracle_failed "with --parents"
}

# In the C locale cp quotes these arguments 'so'; in a UTF-8 one, with
# curved quotes (see the last case).
@test "invalid --sparse argument" {
	both --locale C fx_basic --sparse=bogus a x
	oracle_failed "invalid argument"
}

@test "invalid --reflink argument" {
	both --locale C fx_basic --reflink=bogus a x
	oracle_failed "invalid argument"
}

@test "invalid --backup argument" {
	both --locale C fx_basic --backup=bogus a b
	oracle_failed "invalid argument"
}

@test "invalid --preserve and --no-preserve arguments" {
	both --locale C fx_basic --preserve=bogus a x
	oracle_failed "invalid argument"
	rm -rf "$T/c" "$T/z"
	both --locale C fx_basic --no-preserve=bogus a x
	oracle_failed "invalid argument"
}

@test "ambiguous --backup argument" {
	both --locale C fx_basic --backup=n a b
	oracle_failed "ambiguous argument"
}

@test "invalid argument in a UTF-8 locale: curved quotes" {
	both --locale C.UTF-8 fx_basic --sparse=bogus a x
	oracle_failed "‘bogus’"
}

@test "unknown long option" {
	both fx_basic --bogus a x
	oracle_failed "unrecognized option"
}

@test "unknown short option" {
	both fx_basic -j a x
	oracle_failed "invalid option"
}

@test "option missing its argument" {
	both fx_basic a x --sparse
	oracle_failed "requires an argument"
}

@test "--backup with --no-clobber" {
	both fx_basic -b -n a b
	oracle_failed "mutually exclusive"
}

# --- more corners ------------------------------------------------------------

@test "-rL stops at a symlink to an ancestor" {
	both 'mkdir -p s/d; ln -s .. s/d/up; echo f >s/d/f' -rL s/d e
	oracle_failed "cannot copy cyclic symbolic link"
}

@test "two symlinks to one file: same file, unless the destination is removed" {
	both 'fx_basic; ln -s a la2' la la2
	oracle_failed "are the same file"
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln -s a la2' --remove-destination la la2
	oracle_ok
}

@test "-b with a symlink source over its target" {
	both fx_basic -b la a
	oracle_failed "are the same file"
}

@test "-b with -d: a symlink over its target is backed up" {
	both fx_basic -d -b la a
	oracle_ok
}

@test "two hard-linked symlinks with -d: nothing to do" {
	both 'fx_basic; ln -P la hl' -d la hl
	oracle_ok
}

@test "-L and -P on a command-line symlink without -r" {
	both fx_basic -L la x
	[ -f "$T/c/x" ] && [ ! -L "$T/c/x" ]
	rm -rf "$T/c" "$T/z"
	both fx_basic -P la x
	[ -L "$T/c/x" ]
}

@test "directory into itself through a symlink to it" {
	both --tmpfs fx_basic -r d ld
	oracle_failed "into itself"
}

@test "directory over a file in the target directory" {
	both 'fx_basic; echo f >e/d' -r d e
	oracle_failed "cannot overwrite non-directory"
}

@test "--parents over a file where a directory should be" {
	both 'fx_basic; mkdir -p e; echo f >e/d' --parents d/x e
	oracle_failed "not a directory"
}

@test "file into a directory through a symlink to it" {
	both 'fx_basic; ln -s e le' a le/
	oracle_ok
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln -s e le' a b le
	oracle_ok
}

@test "trailing slash on an existing file destination" {
	both fx_basic a b/
	oracle_failed "Not a directory"
}

@test "empty operand" {
	both fx_basic '' x
	oracle_failed "cannot stat ''"
}

@test "-t with a file" {
	both fx_basic -t a b
	oracle_failed "'a'"
}

@test "names that need quoting, C locale" {
	both --locale C fx_basic -v a "it's" 'sp ace' $'ctl\001x' $'caf\303\251' 'q"$x' e
	oracle_failed "cannot stat"
}

@test "names that need quoting, UTF-8 locale" {
	both --locale C.UTF-8 'fx_basic; echo c >$'"'"'caf\303\251'"'" -v a "it's" $'tab\tx' $'caf\303\251' e
	oracle_failed "cannot stat"
}

@test "names with a single quote that end in an escape run (cp begins them with '')" {
	both --locale C fx_basic -v a $'it\'s\001' $'\'x\n' $'a\'b\001c' $'a\'b\001c\'' e
	oracle_failed "cannot stat"
	grep -qF "'''it'\\''s'\$'\\001'" "$T/z.err"
}

@test "every quoted name is a shell word for that name (cp drops a \$ where the first byte is an escape)" {
	local n q back
	cd "$T"
	for n in $'\001\'\001' $'\ta\'\n' $'it\'s\001' $'a\'b\001c' $'\303\251\'\001' "it's" $'x\177'; do
		run env LC_ALL=C "$ZCP" "$n" x
		[ "$status" -eq 1 ]
		q=${output#"zcp: cannot stat "}
		q=${q%": No such file or directory"}
		eval "back=$q"
		[ "$back" = "$n" ] || { echo "$q is not $n"; return 1; }
	done
}

@test "ownership is kept with -p and -a, not without" {
	both 'fx_basic; chown 1234:5678 a d/x; chown 42:43 d' -p a e
	[ "$(stat -c %u "$T/c/e/a")" = 1234 ]
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; chown 1234:5678 a d/x; chown 42:43 d' -a d e
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; chown 1234:5678 a d/x; chown 42:43 d' -r a d e
	[ "$(stat -c %u "$T/c/e/a")" = 0 ]
}

@test "xattrs are kept with -a and --preserve=xattr, not without" {
	SNAP_XATTR=1
	local fx='fx_basic; setfattr -n user.colour -v blue a; setfattr -n user.dir -v 1 d'
	both "$fx" -a a d e
	[ "$(getfattr --only-values -n user.colour "$T/c/e/a")" = blue ]
	rm -rf "$T/c" "$T/z"
	both "$fx" --preserve=xattr a e
	rm -rf "$T/c" "$T/z"
	both "$fx" -r a d e
}

@test "-a keeps symlinks' times" {
	both --times e 'fx_basic; touch -h -d @1300000000.5 la ld' -a la ld e
	oracle_ok
}

@test "-n and -u with -v" {
	both 'fx_basic; cp a e/a; touch -d 2030-01-01 e/a' -nv a b e
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; cp a e/a; touch -d 2030-01-01 e/a' -uv a b e
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; cp a e/a' -uv a e
}

@test "-i in recursion, answered n then y" {
	both --tmpfs --stdin 'n\ny\n' 'fx_basic; mkdir -p e/d/sub; echo 1 >e/d/x; echo 2 >e/d/sub/y' -ri d e
	[[ $CERR == *"overwrite"* ]]
}

@test "-rb over an existing tree backs up its files" {
	both --tmpfs 'fx_basic; mkdir -p e/d/sub; echo 1 >e/d/x; echo 2 >e/d/sub/y' -rbv d e
	[ -f "$T/c/e/d/x~" ]
}

@test "-rv with --backup=numbered over symlinks" {
	both --tmpfs 'fx_basic; mkdir -p e/d; ln -s zz e/d/lx' -rv --backup=numbered d e
}

@test "--preserve=links with -r, and -d across operands" {
	both 'fx_basic; ln d/x d/sub/hx' -r --preserve=links d e
	[ "$(stat -c %i "$T/c/e/d/x")" = "$(stat -c %i "$T/c/e/d/sub/hx")" ]
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln a h' -d a h e
}

@test "a sparse file keeps its holes (same blocks as cp)" {
	both 'truncate -s 8M sp; echo end >>sp; printf start | dd of=sp conv=notrunc status=none' sp x
	oracle_ok
	[ "$(stat -c %b "$T/c/x")" = "$(stat -c %b "$T/z/x")" ]
	[ "$(stat -c %b "$T/z/x")" -lt 100 ]
}

@test "--sparse=always and never" {
	both 'head -c 1M /dev/zero >z0; echo x >>z0' --sparse=always z0 x
	[ "$(stat -c %b "$T/c/x")" = "$(stat -c %b "$T/z/x")" ]
	rm -rf "$T/c" "$T/z"
	both 'truncate -s 1M h0; echo x >>h0' --sparse=never h0 x
	[ "$(stat -c %b "$T/c/x")" = "$(stat -c %b "$T/z/x")" ]
}

@test "mode 000 and sticky directory, without and with -p" {
	both 'fx_basic; chmod 000 a; chmod 1777 d' -r a d e
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; chmod 000 a; chmod 1777 d' -rp a d e
}

@test "--preserve=mode under umask 077; -a onto an existing file" {
	both --umask 077 'fx_basic; chmod 755 a' --preserve=mode a x
	rm -rf "$T/c" "$T/z"
	both --times e 'fx_basic; cp b e/a; chmod 600 e/a; chmod 755 a' -a a e
}

@test "-u with equal times skips; -u merges directories" {
	both 'fx_basic; cp -p a e/a' -u a e
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; mkdir -p e/d; touch -d 2030-01-01 e/d' -ru d e
}

@test "--no-preserve=all with -a" {
	both --umask 027 'fx_basic; chmod 777 a; chown 5:5 a' -a --no-preserve=all a d e
}

@test "sockets are recreated with -r and -a" {
	both 'fx_basic; python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"d/sock\")"' -r d e
	[ -S "$T/c/e/d/sock" ]
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"sock\")"' -a sock e
}

@test "-rp and -a into an existing directory set its attributes" {
	both --times e 'fx_basic; mkdir -p e/d; chmod 700 e/d; touch -d 2030-01-01 e/d; stamp d' -rp d e
	rm -rf "$T/c" "$T/z"
	both --times e 'fx_basic; mkdir -p e/d; chmod 700 e/d; stamp d' -a d e
}

@test "-rn merges and keeps what exists" {
	both 'fx_basic; mkdir -p e/d; echo old >e/d/x' -rn d e
	[ "$(cat "$T/c/e/d/x")" = old ]
}

@test "a directory over a dangling symlink" {
	both fx_basic -r d dangling
}

@test "into a missing directory" {
	both fx_basic a nodir/x
	oracle_failed "No such file or directory"
}

@test "-b over a symlink destination" {
	both 'fx_basic; ln -s b lb' -b a lb
	[ -L "$T/c/lb~" ]
}

@test "-a and -d onto an existing symlink" {
	both 'fx_basic; ln -s b lb' -a a lb
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln -s b lb' -d la lb
	[ "$(readlink "$T/c/lb")" = a ]
	rm -rf "$T/c" "$T/z"
	both fx_basic -d la dangling
}

@test "-r on a symlink to a file, and -rL on a dangling one in a tree" {
	both fx_basic -r d/lx newlink
	[ -L "$T/c/newlink" ]
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln -s nowhere d/dead' -rL d e
	oracle_failed "d/dead"
}

@test "unwritable target directory (as nobody)" {
	both --nobody 'fx_basic; mkdir ro; own_nobody; chmod 555 ro' a b ro
	oracle_failed "Permission denied"
}

# A directory we may write and search but not read (0333): cp goes by
# names and merges into it; zcp holds it O_PATH and sets its attributes
# through /proc/self/fd. Its entries: a file to overwrite, one to make, a
# directory to make; the source directory has xattrs and ACLs to carry.
fx_wx_only() {
	mkdir -p s/x/sub d/x
	echo a >s/x/f
	echo b >s/x/g
	echo h >s/x/sub/h
	echo old >d/x/g
	setfattr -n user.k -v v s/x
	setfacl -m u:root:rx s/x
	setfacl -d -m u::rwx,g::rx,o::- s/x
	stamp
	own_nobody
	chmod 0333 d/x
}

@test "merging into a write-and-search-only directory (0333, as nobody), as cp does" {
	for jobs in 1 8; do
		for args in -r "-r --no-preserve=mode" -ru -rn -a -rp; do
			# Times are compared where they are kept (else both are "now").
			local -a times=()
			[[ $args == -a* || $args == -rp ]] && times=(--times d)
			# shellcheck disable=SC2086 # the words of args are options
			both --nobody --env ZCP_JOBS=$jobs "${times[@]}" fx_wx_only $args s/. d
			oracle_ok
			# What the case is about: cp merged into it, zcp too.
			[ -f "$T/z/d/x/f" ] && [ -f "$T/z/d/x/sub/h" ]
			rm -rf "$T/c" "$T/z"
		done
	done
	# The attributes did reach it (the trees compared them; cp's set them).
	both --nobody fx_wx_only -a s/. d
	[ "$(stat -c %a "$T/z/d/x")" = 750 ] || [ "$(stat -c %a "$T/z/d/x")" = 755 ]
	[ "$(getfattr --only-values -n user.k "$T/z/d/x")" = v ]
	getfacl -p "$T/z/d/x" | grep -q '^default:user::rwx'
	# --fsync (zcp's) cannot open it to flush it: said, exit 1, files copied;
	# with -a it can, once it has the source's mode.
	rm -rf "$T/z" && mkdir "$T/z" && cd "$T/z" && fx_wx_only
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZCP" -r --fsync s/. d
	assert_failure 1
	assert_output "zcp: cannot sync directory 'd/./x': Permission denied"
	cmp s/x/f d/x/f && cmp s/x/g d/x/g && cmp s/x/sub/h d/x/sub/h
	chmod 0333 d/x
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZCP" -a --fsync s/. d
	assert_success
	[ "$(stat -c %a d/x)" = 755 ]
}

# cp 9.1 is no oracle here: it cannot list the directory to name a backup
# and fails the file ("cannot create regular file ...: File exists").
# zcp finds the numbers taken by name, and never replaces a backup.
@test "backups in a write-and-search-only directory (as nobody): no earlier backup replaced" {
	mkdir -p s/x d/x
	echo new >s/x/g
	echo new >f
	echo old >d/x/g
	echo b1 >d/x/g.~1~
	echo b2 >d/x/g.~2~
	echo old >d/x/f
	echo f1 >d/x/f.~1~
	own_nobody
	chmod 0333 d/x
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	# Into it as the target directory (before, f.~1~ was replaced).
	run as_nobody "$ZCP" --backup=existing f d/x
	assert_success
	[ "$(cat d/x/f)" = new ] && [ "$(cat d/x/f.~1~)" = f1 ] && [ "$(cat d/x/f.~2~)" = old ]
	# Merged into by -r.
	run as_nobody "$ZCP" -r --backup=numbered s/. d
	assert_success
	chmod 0755 d/x
	[ "$(cat d/x/g)" = new ]
	[ "$(cat d/x/g.~1~)" = b1 ] && [ "$(cat d/x/g.~2~)" = b2 ] && [ "$(cat d/x/g.~3~)" = old ]
	# Simple backups as anywhere, and --atomic's renames into it.
	echo old2 >d/x/g
	chmod 0333 d/x
	run as_nobody "$ZCP" -a --atomic --backup=simple s/. d
	assert_success
	[ "$(stat -c %a d/x)" = 755 ]
	[ "$(cat d/x/g~)" = old2 ] && [ "$(cat d/x/g)" = new ] && [ "$(cat d/x/g.~3~)" = old ]
	[ "$(find d -name '*.zcp*' | wc -l)" = 0 ]
}

@test "ownership that cannot be given away (as nobody)" {
	both --nobody 'fx_basic; own_nobody; chown root:root a; chmod 644 a' -p a x
	oracle_ok
	rm -rf "$T/c" "$T/z"
	# Not an error for a user who cannot chown; the set-user-ID bit goes.
	both --nobody 'fx_basic; own_nobody; chown root:root a; chmod 4755 a' --preserve=ownership,mode a x
	oracle_ok
	[ "$(stat -c %a "$T/c/x")" = 755 ]
}

@test "-i with -f, and -n then -i" {
	both --stdin 'n\n' fx_basic -if a b
	[[ $CERR == *overwrite* ]]
	rm -rf "$T/c" "$T/z"
	both --stdin 'y\n' fx_basic -n -i a b
	rm -rf "$T/c" "$T/z"
	both fx_basic -i -n a b
}

@test "VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX" {
	both --env VERSION_CONTROL=numbered fx_basic -b a b
	[ -f "$T/c/b.~1~" ]
	rm -rf "$T/c" "$T/z"
	both --env SIMPLE_BACKUP_SUFFIX=.old fx_basic -b a b
	[ -f "$T/c/b.old" ]
}

@test "an invalid VERSION_CONTROL is an error" {
	both --locale C --env VERSION_CONTROL=bogus fx_basic -b a b
	oracle_failed "VERSION_CONTROL"
}

@test "--backup=none and off overwrite" {
	both fx_basic --backup=none a b
	rm -rf "$T/c" "$T/z"
	both fx_basic --backup=off a b
}

@test "-b with the same file spelled two ways" {
	both fx_basic -b ./a a
	rm -rf "$T/c" "$T/z"
	both fx_basic -fb ./a a
}

@test "-aL follows symlinks in the tree" {
	both --times e 'fx_basic; rm dangling' -aL d e
}

@test "-p onto an existing file keeps the source's times and mode" {
	both --times e 'fx_basic; cp b e/a; chmod 600 e/a; touch -d @1234567890.5 a; chmod 750 a' -p a e
}

@test "a symlink to a directory is not a directory to merge into" {
	both 'fx_basic; mkdir e/x; ln -s x e/d' -r d e
	oracle_failed "cannot overwrite non-directory"
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; mkdir e/x; ln -s x e/a' -b a e
	oracle_ok
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; mkdir e/x; ln -s x e/a' a e
	oracle_failed "cannot overwrite directory"
}

@test "-v tells each destination removed" {
	both fx_basic -v --remove-destination a b
	[[ $COUT == *"removed 'b'"* ]]
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln -s b lb' -dv la lb
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; mkfifo f g' -rv f g
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln b hb; cp b e/hb' -av b hb e
	[[ $COUT == *"removed 'e/hb'"* ]]
	rm -rf "$T/c" "$T/z"
	both 'fx_basic; ln b hb; mkdir -p e; ln a e/b; ln a e/b2' -av b e
}

@test "-fv tells an unwritable destination removed (as nobody)" {
	both --nobody 'fx_basic; own_nobody; chmod 444 b' -fv a b
	[[ $COUT == *"removed 'b'"* ]]
}

# --- zcp's --update=WHEN (cp 9.3 and later, so not the oracle here) ---------

@test "--update=none, all, older" {
	printf 'new\n' >src
	printf 'old\n' >dst
	touch -d 2030-01-01 dst
	zcp --update=none src dst
	[ "$(cat dst)" = old ]
	zcp --update=older src dst
	[ "$(cat dst)" = old ]
	zcp --update src dst
	[ "$(cat dst)" = old ]
	zcp --update=all src dst
	[ "$(cat dst)" = new ]
	printf 'older\n' >dst
	touch -d 2000-01-01 dst
	zcp --update=older src dst
	[ "$(cat dst)" = new ]
	rm dst
	zcp --update=none src dst
	[ "$(cat dst)" = new ]
	LC_ALL=C run zcp --update=bogus src dst
	assert_failure
	assert_output --partial "invalid argument 'bogus' for '--update'"
}

# --- a real tree -----------------------------------------------------------

@test "directory operands that merge: the second wins inside, as cp" {
	both 'mkdir -p a/x b/x D; echo 1 >a/x/f; echo 2 >b/x/f; stamp' -r a/x b/x D
	oracle_ok
	[ "$(cat "$T/z/D/x/f")" = 2 ]
}

@test "a file named twice into one directory: just-created is kept" {
	both 'mkdir -p a b D; echo 1 >a/f; echo 2 >b/f; stamp' a/f b/f D
	oracle_failed "will not overwrite just-created"
	rm -rf "$T/c" "$T/z"
	both 'mkdir -p a b D; echo 1 >a/f; echo 2 >b/f; stamp' --backup=numbered a/f b/f D
	oracle_ok
}

@test "will not copy through a symlink made by this run" {
	both 'mkdir -p a b c; touch a/1; ln -s ../a/1 b/1; stamp' -d b/1 a/1 c
	rm -rf "$T/c" "$T/z"
	both 'mkdir -p a b c; echo x >a/1; ln -s /nowhere-at-all b/1; stamp' -d b/1 a/1 c
	oracle_failed "through just-created symlink"
}

@test "-v onto a dangling symlink tells the copy before the error; POSIXLY_CORRECT writes through" {
	both fx_basic -v a dangling
	oracle_failed "not writing through dangling symlink"
	[[ $COUT == "'a' -> 'dangling'" ]]
	rm -rf "$T/c" "$T/z"
	both --env POSIXLY_CORRECT=1 fx_basic a dangling
	oracle_ok
	[ "$(cat "$T/z/nowhere")" = alpha ]
}

@test "-au into a tree: a file kept by -u still stands for its hard-link group" {
	for f in f linkm; do
		both "mkdir s; touch s/f; ln s/f s/linkm; ln s/f s/linke; ln s/f s/fileo; ln s/f s/fileu
			mkdir -p t/s; touch t/s/$f; ln t/s/$f t/s/linke
			touch -d @1500000000 t/s/fileo; touch -d @1700000000 t/s/fileu
			touch -d @1600000000 s/f; touch -d @1650000000 t/s/$f" -au s t
		oracle_ok
		[ "$(stat -c %h "$T/z/t/s/f")" = 5 ]
		rm -rf "$T/c" "$T/z"
	done
}

@test "--parents with a file where a directory should be makes nothing" {
	both 'mkdir d; echo x >f' --parents f/g d
	oracle_failed "failed to get attributes of 'f'"
}

@test "-dl and -dfl onto a symlink to the source: the link is tried over it" {
	both 'echo x >foo; ln -s foo symlink' -dl foo symlink
	oracle_failed "cannot create hard link"
	rm -rf "$T/c" "$T/z"
	both 'echo x >foo; ln -s foo symlink' -dfl foo symlink
	oracle_ok
}

@test "zcp -a /usr/share/doc gives what cp -a gives" {
	[ -d /usr/share/doc ] || skip "no /usr/share/doc"
	mkdir c z
	cp -a /usr/share/doc c/doc
	zcp -a /usr/share/doc z/doc
	diff -u <(tree_snapshot c times) <(tree_snapshot z times)
}

# --- what a hostile try found (issue 9) -------------------------------------

@test "a SOURCE named '..' copies into DIR/., never into DIR/.." {
	both 'mkdir -p w/a/b w/e; echo x >w/a/f' -rv w/a/b/.. w/e
	oracle_ok
	[ -f "$T/z/w/e/f" ] && [ ! -e "$T/z/w/b" ] && [ ! -e "$T/z/w/f" ]
	rm -rf "$T/c" "$T/z"
	both 'mkdir -p a/b e; echo x >a/f' -r a/.. e
	oracle_failed "into itself"
}

@test "names below 'a//' have one slash, as cp prints them" {
	both --tmpfs 'mkdir -p s/d e; echo 1 >s/d/g; echo 2 >f' -rv s// e2
	oracle_ok
}

@test "a name into 'e//' has one slash" {
	both 'mkdir e; echo 2 >f' -v f e//
	oracle_ok
}

@test "--parents 's/d/' makes 'e3/s/d', without the slash" {
	both --tmpfs 'mkdir -p s/d e3; echo 1 >s/d/g' --parents -rv s/d/ e3
	oracle_ok
}

@test "--preserve=context is cp's error without SELinux; empty values are ambiguous" {
	for args in "--preserve=context" "-a --preserve=context" "--preserve=" "--preserve=mode," \
		"--preserve=,mode" "--no-preserve=" "--reflink="; do
		# shellcheck disable=SC2086 # the words of args are options
		both 'echo x >f' $args f g
		oracle_failed ""
		rm -rf "$T/c" "$T/z"
	done
	for args in "--preserve" "--preserve=all" "--preserve=context --no-preserve=context" \
		"--context="; do
		# shellcheck disable=SC2086
		both 'echo x >f' $args f g
		oracle_ok
		rm -rf "$T/c" "$T/z"
	done
}

@test "-sb refuses a relative symlink out of the current directory before any backup" {
	both 'mkdir -p src/sub; echo a >src/a; echo b >src/sub/b' -sb src/a src/sub/b
	oracle_failed "can make relative symbolic links only in current directory"
	[ "$(cat "$T/z/src/sub/b")" = b ] && [ ! -e "$T/z/src/sub/b~" ]
}
