/* report.h: --stats output, text or JSON. */
#ifndef ZCP_REPORT_H
#define ZCP_REPORT_H

#include "stats.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>

/* Note the start of the run, for wall time; what per-file output to give. */
void report_start(bool json, bool per_file_text);
/* The JSON report goes to fd (--stats-file) and nowhere else: its records
 * are written there as they pile up, not kept to the end. */
void report_stream(int fd);
/* What report_stream wrote so far to a stand-in (closed here; none: -1)
 * goes to fd, which the rest then follows. 0 or -errno. */
int report_stream_move(int fd);
/* s as a JSON string, valid whatever its bytes (see STATISTICS in zcp(1)). */
void report_json_name(FILE *f, const char *s);
/* SIGUSR1 prints a line of the progress so far to stderr, as dd does. */
void report_on_usr1(void);
/* After each data file: a record (JSON) and a line (text with -v), each
 * as report_start asked. */
void report_file(const char *src, const char *dst);
/* Write the report to fd in one write(2), which the caller has counted
 * already (it is among the calls reported), as it has read the rusage.
 * 0 or -errno. */
int report_stats(bool json, int fd, const struct stats *s, const struct rusage *ru);

#endif
