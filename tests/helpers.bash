# Shared set-up for the bats suites.
# shellcheck shell=bash

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

ZCP=${ZCP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/zcp}

# Each test works in its own directory under /tmp (ext4 on these machines).
zcp_setup() {
	T=$(mktemp -d /tmp/zcp-test.XXXXXX)
	cd "$T" || return 1
	MOUNTS=()
}

# Unmount what a test mounted, even when it failed, then remove its files.
zcp_teardown() {
	cd / || true
	local m
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${MOUNTS[$i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	[ -n "${T:-}" ] && rm -rf "$T"
}

zcp() { "$ZCP" "$@"; }

# mkrand FILE SIZE: SIZE bytes of random data.
mkrand() {
	head -c "$2" /dev/urandom >"$1"
}

# mount_tmpfs DIR [SIZE]. A mount that fails fails the test (its return
# status, under bats' set -e), with the reason on stderr: never a skip.
mount_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=${2:-512m}" tmpfs "$1" || {
		echo "mount_tmpfs: cannot mount a tmpfs on $1" >&2
		return 1
	}
	MOUNTS+=("$1")
}

# mount_image FSTYPE DIR [SIZE]: a loop-mounted file system image. As
# mount_tmpfs, a failure (mkfs missing or failing, mount failing) fails the
# test; a kernel without FSTYPE is the caller's skip (need_fs).
mount_image() {
	local fs=$1 dir=$2 size=${3:-1G} img out
	img="$T/.$fs.img"
	truncate -s "$size" "$img"
	case $fs in
	btrfs) out=$(mkfs.btrfs -q "$img" 2>&1) ;;
	xfs) out=$(mkfs.xfs -q "$img" 2>&1) ;;
	ext4) out=$(mkfs.ext4 -q -F "$img" 2>&1) ;;
	esac || {
		echo "mount_image: mkfs.$fs failed: $out" >&2
		return 1
	}
	mkdir -p "$dir"
	out=$(mount -o loop "$img" "$dir" 2>&1) || {
		echo "mount_image: cannot loop-mount the $fs image on $dir: $out" >&2
		return 1
	}
	MOUNTS+=("$dir")
}

# need_fs FSTYPE: skip when the kernel cannot mount FSTYPE (not built, no
# module): the one reason a test on that file system may not run.
need_fs() {
	grep -qw "$1" /proc/filesystems || modprobe "$1" 2>/dev/null || true
	grep -qw "$1" /proc/filesystems || skip "the kernel has no $1 file system"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# tree_snapshot DIR [times]: a line per path under DIR: type, mode, owner,
# size, link target, content hash (a device's numbers; with SNAP_XATTR set,
# a hash of the xattrs too), the hard-link group (the first path with the
# same inode), and with "times" the mtime (symlinks' too: cp -p keeps them).
# Fields are split on \037: read(1) merges runs of tabs, empty fields lost.
tree_snapshot() {
	local dir=$1 times=${2:-}
	# The same lines from one process, but for the xattrs' hash.
	if [ -z "${SNAP_XATTR:-}" ]; then
		python3 "$BATS_TEST_DIRNAME/snapshot.py" "$dir" "$times"
		return
	fi
	(
		cd "$dir" || exit 1
		declare -A first
		find . -mindepth 1 -printf '%p\037%y\037%m\037%s\037%l\037%i\037%n\037%T@\037%U:%G\n' |
			LC_ALL=C sort |
			while IFS=$'\037' read -r p y m s l ino nl mt own; do
				h=-
				[ "$y" = f ] && h=$(sha256sum <"$p" | cut -c1-16)
				if [ "$y" = c ] || [ "$y" = b ]; then h=$(stat -c %t:%T "$p"); fi
				if [ -n "${SNAP_XATTR:-}" ] && [ "$y" != l ]; then
					h="$h:$(getfattr -h -d -m - --absolute-names "$p" 2>/dev/null |
						grep -v '^#' | sha256sum | cut -c1-8)"
				fi
				grp=-
				if [ "$y" != d ] && [ "$nl" -gt 1 ]; then
					[ -z "${first[$ino]:-}" ] && first[$ino]=$p
					grp=${first[$ino]}
				fi
				[ "$y" = d ] && s=-
				if [ -n "$times" ]; then
					echo "$p $y $m $own $s $l $h $grp $mt"
				else
					echo "$p $y $m $own $s $l $h $grp"
				fi
			done
	)
}

# The C library's own calls in a static zcp, made before main() runs or
# inside malloc, never by zcp's code: the only calls strace may see that
# --stats does not count. Each with the most strace may see (0: any).
# The list is what strace -f -c shows for `int main(void) { return 0; }`
# linked -static with this glibc.
declare -gA STRACE_LIBC_CALLS=(
	[execve]=1 # the exec of zcp itself, seen before zcp's first instruction
	[arch_prctl]=1 # ARCH_SET_FS: the thread pointer, for thread-local storage
	[set_tid_address]=1 # the main thread's set-up
	[set_robust_list]=1 # the main thread's set-up
	[rseq]=1 # restartable sequences, registered for the main thread
	[prlimit64]=1 # RLIMIT_STACK, read at start for the default stack size
	[readlink]=1 # /proc/self/exe, read by static start-up for $ORIGIN
	[mprotect]=1 # RELRO: relocated data made read-only after start-up
	[getrandom]=1 # malloc's tcache key, drawn once when malloc starts
	[brk]=0 # the heap: the TLS block at start, then malloc's growth
)

# What the C library does by itself for each thread pthread_create starts
# (zcp counts the clone3): the most strace may see per thread. Measured on
# a static `pthread_create` of a user stack with this glibc: the parent
# blocks signals around clone3 and restores them (2 rt_sigprocmask), the
# thread registers rseq and its robust list and sets its mask (1), and on
# its way out blocks signals again (1) and calls exit. The first
# pthread_create also installs the handler for the C library's internal
# signal and unblocks it (1 rt_sigaction, 1 rt_sigprocmask).
declare -gA STRACE_THREAD_CALLS=(
	[set_robust_list]=1
	[rseq]=1
	[rt_sigprocmask]=4
	[exit]=1
)

# strace_agrees TRACE JSON: every system call strace -f -c saw (TRACE) has
# the count zcp's --stats=json reports (JSON), and zcp reports no call strace
# did not see; only STRACE_LIBC_CALLS may be missing from zcp's report.
strace_agrees() {
	local trace=$1 json=$2 call want got max bad=0
	declare -A seen=() counted=()
	while read -r call got; do
		seen[$call]=$got
	done < <(awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' "$trace")
	while read -r call want; do
		counted[$call]=$want
	done < <(jq -r '.measured.syscalls | to_entries[] | "\(.key) \(.value)"' "$json")
	[ ${#seen[@]} -gt 0 ] || { echo "no calls in $trace" >&2; return 1; }
	local threads=${counted[clone3]:-0}
	if [ "$threads" -gt 0 ]; then
		for call in rt_sigaction rt_sigprocmask; do
			[ -z "${seen[$call]:-}" ] || seen[$call]=$((${seen[$call]} - 1))
		done
	fi
	for call in "${!seen[@]}"; do
		got=${seen[$call]}
		if [ -n "${counted[$call]:-}" ]; then
			continue
		elif [ -n "${STRACE_THREAD_CALLS[$call]:-}" ] && [ "$threads" -gt 0 ]; then
			max=$((${STRACE_THREAD_CALLS[$call]} * threads + ${STRACE_LIBC_CALLS[$call]:-0}))
			if [ "$got" -gt "$max" ]; then
				echo "$call: strace says $got, the C library makes at most $max for $threads threads" >&2
				bad=1
			fi
		elif [ -n "${STRACE_LIBC_CALLS[$call]:-}" ]; then
			max=${STRACE_LIBC_CALLS[$call]}
			if [ "$max" -ne 0 ] && [ "$got" -gt "$max" ]; then
				echo "$call: strace says $got, the C library's start-up makes $max" >&2
				bad=1
			fi
		else
			echo "$call: strace says $got, zcp does not count it" >&2
			bad=1
		fi
	done
	for call in "${!counted[@]}"; do
		want=${counted[$call]}
		got=${seen[$call]:-0}
		# A call zcp makes too (rt_sigprocmask: a batch holds the fatal
		# signals; prlimit64: the descriptors a batch may take): the C
		# library's own, at start and for its threads, come on top.
		max=$((want + ${STRACE_THREAD_CALLS[$call]:-0} * threads + ${STRACE_LIBC_CALLS[$call]:-0}))
		if [ "$got" -ge "$want" ] && [ "$got" -le "$max" ]; then
			continue
		fi
		if [ "$want" != "$got" ]; then
			echo "$call: zcp says $want, strace says $got" >&2
			bad=1
		fi
	done
	return $bad
}

need_plain_build() {
	[ -z "${ZCP_SANITIZE:-}" ] ||
		skip "sanitizer runtimes make system calls of their own"
}

# LeakSanitizer cannot work under ptrace: a sanitized zcp run under strace
# checks everything else, but not leaks.
strace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 command strace "$@"
}

# mk_tree200 DIR: 200 small files of different sizes in 7 directories.
mk_tree200() {
	local i
	mkdir -p "$1"
	for i in $(seq 1 200); do
		mkdir -p "$1/d$((i % 7))"
		head -c $((i * 131)) /dev/urandom >"$1/d$((i % 7))/f$i"
	done
}

# agree METHOD DIR: a 256 MiB file and a 200-file tree in DIR, copied with
# METHOD forced, counted by zcp and by strace -f -c on the same run. Sets
# BYTES_USER and BYTES_MEMCPY for the file; leaves DIR/s.json, DIR/s2.json.
agree() {
	local m=$1 d=$2 size=$((256 << 20))
	mkrand "$d/big" $size
	strace -f -c -o "$d/trace.txt" "$ZCP" --stats=json --method="$m" "$d/big" "$d/big.copy" >"$d/s.json"
	cmp "$d/big" "$d/big.copy"
	strace_agrees "$d/trace.txt" "$d/s.json"
	[ "$(jq .measured.bytes_copied "$d/s.json")" -eq $size ]
	BYTES_USER=$(jq .measured.bytes_user_kernel "$d/s.json")
	BYTES_MEMCPY=$(jq .measured.bytes_memcpy "$d/s.json")
	mk_tree200 "$d/tree"
	strace -f -c -o "$d/trace2.txt" "$ZCP" -r --stats=json --method="$m" "$d/tree" "$d/tree.copy" >"$d/s2.json"
	diff -r "$d/tree" "$d/tree.copy"
	strace_agrees "$d/trace2.txt" "$d/s2.json"
	[ "$(jq .measured.files "$d/s2.json")" -eq 200 ]
	[ "$(jq '.files | length' "$d/s2.json")" -eq 200 ]
	[ "$(jq -r '[.files[].method] | unique | join(",")' "$d/s2.json")" = "$m" ]
}

# ---- fault injection (tests/faults.bats, tests/signals.bats) ----------------
# A FUSE pass-through of a backing directory that fails on command
# (tests/faultfs.py). A mount that does not come up is a failure, not a skip.

# mount_faultfs BACKING MNT: mounts, with the control file $T/ctl (rules
# written by fault_rule). Sets FAULT_CTL; the server's log is $T/faultfs.log.
mount_faultfs() {
	local back=$1 mnt=$2 i
	FAULT_CTL=$T/ctl
	: >"$FAULT_CTL"
	mkdir -p "$back" "$mnt"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/faultfs.py" "$back" "$mnt" "$FAULT_CTL" \
		3>&- 2>>"$T/faultfs.log" &
	FAULT_PIDS+=($!)
	MOUNTS+=("$mnt")
	for i in $(seq 200); do
		mountpoint -q "$mnt" && return 0
		kill -0 "${FAULT_PIDS[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "faultfs did not mount on $mnt:" >&2
	cat "$T/faultfs.log" >&2
	return 1
}

# fault_rule OP ACTION NAME N: one more rule (see tests/faultfs.py);
# fault_clear: none.
fault_rule() { echo "$*" >>"$FAULT_CTL"; }
fault_clear() { : >"$FAULT_CTL"; }

# fault_hold: reads that reach a "block" rule wait from now on, until
# fault_release. fault_wait_blocked [PID]: wait until one does (the copy is
# then caught in flight); fails if PID exits first, or after 60 s.
fault_hold() {
	rm -f "$FAULT_CTL.blocked"
	: >"$FAULT_CTL.hold"
}
fault_release() { rm -f "$FAULT_CTL.hold"; }
fault_wait_blocked() {
	local i pid=${1:-}
	for i in $(seq 1200); do
		[ -e "$FAULT_CTL.blocked" ] && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			echo "process $pid ended before a read blocked in faultfs" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "no read blocked in faultfs" >&2
	return 1
}

# fault_tmp_gone DIR NAME...: faultfs's log ($FAULT_CTL.log) shows a
# temporary file made in DIR (a path from the mount's root, "/d") under a
# name other than NAME..., and removed again.
fault_tmp_gone() {
	local dir=$1 tmp n
	shift
	tmp=$(awk -v d="$dir/" -v skip="$*" 'BEGIN { split(skip, s, " "); for (i in s) no[d s[i]] = 1 }
		$1 == "create" && index($2, d) == 1 && !($2 in no) { print $2; exit }' "$FAULT_CTL.log")
	if [ -z "$tmp" ]; then
		echo "no temporary file was made in $dir:" >&2
		cat "$FAULT_CTL.log" >&2
		return 1
	fi
	grep -qx "unlink $tmp" "$FAULT_CTL.log" || {
		echo "$tmp was not removed:" >&2
		cat "$FAULT_CTL.log" >&2
		return 1
	}
}

# faults_teardown: release blocked reads, unmount, wait for the servers.
faults_teardown() {
	local p
	[ -n "${FAULT_CTL:-}" ] && rm -f "$FAULT_CTL.hold"
	zcp_teardown_mounts
	for p in "${FAULT_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	FAULT_PIDS=()
	zcp_teardown
}

# The unmount half of zcp_teardown, which may run again after it (harmless).
zcp_teardown_mounts() {
	local i m
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${MOUNTS[$i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	MOUNTS=()
}

# ls_snapshot DIR: the names in DIR, hidden ones too, with inode and size.
ls_snapshot() {
	(cd "$1" && find . -mindepth 1 -printf '%p %i %s\n' | LC_ALL=C sort)
}
# ---- end of fault injection --------------------------------------------------

# The order a copy walks each directory in (cp reads a directory sorted by
# inode number): one line per entry, its directory and name.
walk_order() {
	(cd "$1" && find . -mindepth 1 -printf '%h\t%i\t%f\n' 2>/dev/null) | sort -t $'\t' -k1,1 -k2,2n | cut -f1,3
}

# same_order A B: sets ORDERED=1 when the trees A and B are walked in one
# order, else ORDERED=0.
same_order() {
	ORDERED=1
	[ "$(walk_order "$1")" = "$(walk_order "$2")" ] || ORDERED=0
}

# out_diff LABEL A B: A and B agree, line for line; or, when the two fixtures
# came out with their inodes in other orders (ext4 places directories where
# it likes), as sets of lines: the order is then the file system's, not zcp's.
out_diff() {
	if [ "$ORDERED" = 1 ]; then
		diff -u --label "cp.$1" --label "zcp.$1" "$2" "$3"
	else
		diff -u --label "cp.$1" --label "zcp.$1" <(sort "$2") <(sort "$3")
	fi
}

# Can this kernel take zcp's io_uring batches (batch.c)? Direct
# descriptors filled by IORING_OP_OPENAT came in Linux 5.19; the sysctl
# may turn io_uring off. If not, URING_WHY says why.
uring_batch_ok() {
	local dis v
	dis=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)
	if [ "$dis" != 0 ]; then
		URING_WHY="kernel.io_uring_disabled is $dis"
		return 1
	fi
	v=$(uname -r | awk -F. '{ printf "%d", $1 * 1000 + $2 }')
	if [ "$v" -lt 5019 ]; then
		URING_WHY="Linux $(uname -r) has no direct descriptors for IORING_OP_OPENAT (5.19)"
		return 1
	fi
}
