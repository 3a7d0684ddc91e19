#!/usr/bin/env bats
# --bench runs every applicable method on one pair and prints a table.
# Only the shape of the table is tested here: timings live in make bench.
# A bench is a copy made many times: cp's rules hold, no data is lost.

load helpers

setup() { zcp_setup; }
teardown() { zcp_teardown; }

# sums FILE...: the content of each, to compare before and after.
sums() { sha256sum "$@"; }

@test "--bench lists every method: measured, or skipped with a reason" {
	mkrand a $((4 << 20))
	run zcp --bench=2 a b
	assert_success
	assert_line --regexp "^copy_range +[0-9.]+ +[0-9.]+ +0\.00 "
	assert_line --regexp "^rw +[0-9.]+ +[0-9.]+ +2\.00 "
	assert_line --regexp "^clone +skipped: "
	cmp a b
}

@test "--bench with --method measures only those" {
	mkrand a 100000
	run zcp --bench=1 --method=rw a b
	assert_success
	assert_line --regexp "^rw "
	refute_line --regexp "^copy_range "
	cmp a b
}

@test "--bench needs one SOURCE and one DEST" {
	mkrand a 1000
	mkrand b 1000
	mkdir d
	LC_ALL=C run zcp --bench a b d
	assert_failure 1
	assert_line --index 0 "zcp: --bench takes one SOURCE and one DEST"
	LC_ALL=C run zcp --bench -t d a b
	assert_failure 1
	assert_line --index 0 "zcp: --bench takes one SOURCE and one DEST"
	[ ! -e d/a ] && [ ! -e d/b ]
}

@test "--bench needs a regular file as SOURCE, that exists" {
	mkdir d
	LC_ALL=C run zcp --bench d e
	assert_failure 1
	assert_output "zcp: --bench needs a regular file as SOURCE: 'd' is not one"
	LC_ALL=C run zcp --bench nosuch e
	assert_failure 1
	assert_output "zcp: cannot stat 'nosuch': No such file or directory"
	[ ! -e e ]
}

@test "--bench=0 is refused: 1 to 101 rounds" {
	mkrand a 1000
	LC_ALL=C run zcp --bench=0 a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid number of rounds '0' for --bench (1 to 101)"
	[ ! -e b ]
}

@test "--bench SOURCE SOURCE: the same file, refused as cp does, SOURCE intact" {
	mkrand s 100000
	before=$(sums s)
	LC_ALL=C run zcp --bench=1 s s
	assert_failure 1
	assert_output "zcp: 's' and 's' are the same file"
	[ "$(sums s)" = "$before" ]
}

@test "--bench through a hard link or a symlink to SOURCE: refused, SOURCE intact" {
	mkrand s 100000
	before=$(sums s)
	ln s h
	ln -s s l
	LC_ALL=C run zcp --bench=1 s h
	assert_failure 1
	assert_output "zcp: 's' and 'h' are the same file"
	LC_ALL=C run zcp --bench=1 s l
	assert_failure 1
	assert_output "zcp: 's' and 'l' are the same file"
	[ "$(sums s)" = "$before" ]
}

@test "--bench -n and --update=none: DEST untouched, nothing measured, exit 0" {
	mkrand s 100000
	echo old >d
	for opt in -n --no-clobber --update=none; do
		run zcp "$opt" --bench=1 s d
		assert_success
		assert_output "zcp --bench: not replacing 'd': nothing measured"
		[ "$(cat d)" = old ]
	done
}

@test "--bench -u: a newer DEST is kept, an older one is benched into" {
	mkrand s 100000
	echo newer >d
	touch -d '2000-01-01' s
	run zcp -u --bench=1 s d
	assert_success
	assert_output "zcp --bench: not replacing 'd': nothing measured"
	[ "$(cat d)" = newer ]
	touch -d '1990-01-01' d
	run zcp -u --bench=1 s d
	assert_success
	assert_line --regexp "^rw +[0-9.]+ "
	cmp s d
}

@test "--bench -i asks once, before the first write" {
	mkrand s 100000
	echo old >d
	run zcp -i --bench=2 s d <<<n
	assert_success
	[ "$(grep -o "overwrite 'd'?" <<<"$output" | wc -l)" -eq 1 ]
	[ "$(cat d)" = old ]
	run zcp -i --bench=3 s d < <(yes)
	assert_success
	[ "$(grep -o "overwrite 'd'?" <<<"$output" | wc -l)" -eq 1 ]
	cmp s d
}

@test "--bench -b: one backup of the old DEST, made before the first round" {
	mkrand s 100000
	echo old >d
	run zcp -b --bench=3 s d
	assert_success
	[ "$(cat d~)" = old ]
	cmp s d
	[ "$(ls | sort | tr '\n' ' ')" = "d d~ s " ]
	echo old >d
	rm d~
	run zcp --backup=numbered --bench=3 s d
	assert_success
	[ "$(cat d.~1~)" = old ]
	[ "$(ls | sort | tr '\n' ' ')" = "d d.~1~ s " ]
}

@test "--bench --dry-run: the plan, no rounds, nothing written" {
	mkrand s 100000
	run zcp --dry-run --bench=3 s new
	assert_success
	assert_line "  clone: skipped: the file system does not share extents"
	assert_line --regexp "^  copy_range: chosen: "
	assert_line "zcp --bench: dry run: 3 rounds of each method that applies; nothing written"
	refute_line --regexp "MB/s"
	[ ! -e new ]
	echo old >d
	run zcp --dry-run --bench=3 s d
	assert_success
	[ "$(cat d)" = old ]
}

@test "--bench into a directory benches DIR/SOURCE's name, as cp names it" {
	mkrand s 100000
	mkdir dir
	run zcp --bench=1 s dir
	assert_success
	cmp s dir/s
	[ "$(ls dir)" = s ]
	run zcp --bench=1 -t dir s
	assert_success
	cmp s dir/s
	LC_ALL=C run zcp --bench=1 -T s dir
	assert_failure 1
	assert_output "zcp: cannot overwrite directory 'dir' with non-directory"
}

@test "--bench where no method applies: exit 1, the existing DEST untouched" {
	mkrand s 100000
	echo keep >k
	LC_ALL=C run zcp --bench=1 --method=clone s k
	assert_failure 1
	assert_line "zcp: no method can copy 's' to 'k'"
	[ "$(cat k)" = keep ]
	LC_ALL=C run zcp --bench=1 --method=clone s new
	assert_failure 1
	[ ! -e new ]
}

@test "--bench where every method fails: exit 1, no DEST left that it made" {
	need_root
	mkrand s $((1 << 20))
	mount_tmpfs "$T/tm" 64k
	LC_ALL=C run zcp --bench=1 s tm/d
	assert_failure 1
	assert_line "zcp: no method could copy 's' to 'tm/d'"
	refute_line --regexp "^[a-z_]+ +[0-9.]+ "
	[ ! -e tm/d ]
	LC_ALL=C run zcp --bench=1 s /dev/full
	assert_failure 1
	assert_line "zcp: no method could copy 's' to '/dev/full'"
}

# make bench's io_uring section measures bench/uring_batch.c: a tool that
# copied wrongly would give figures for the wrong work.
@test "bench/uring_batch.c builds and copies a tree, plain, closes batched and in io_uring batches (also with zcp's rules)" {
	local ub="$T/uring_batch" m n
	gcc -std=gnu17 -O2 -Wall -Wextra -Werror -pthread -o "$ub" \
		"$BATS_TEST_DIRNAME/../bench/uring_batch.c" -luring
	mkdir -p src/d1 src/d2 src/d3
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35; do
		mkrand "src/d$((n % 3 + 1))/f$n" $((n * 1000))
	done
	for m in plain closes uring zcp; do
		for n in 1 2; do
			rm -rf dst
			run "$ub" "$m" src dst "$n"
			if [ "$m" != plain ] && [[ $output == *"io_uring_queue_init"* ]]; then
				skip "io_uring cannot be set up here: $output"
			fi
			assert_success
			diff -r src dst
		done
	done
}
