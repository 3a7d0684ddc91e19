/* report.h: --stats output, text or JSON. */
#ifndef ZCP_REPORT_H
#define ZCP_REPORT_H

#include "stats.h"

#include <stdbool.h>

/* Note the start of the run, for wall time; what per-file output to give. */
void report_start(bool json, bool per_file_text);
/* After each data file: a line (text with -v) or a record (JSON). */
void report_file(const char *src, const char *dst);
/* Write the report in one write(2) to fd, counted in the report itself. */
void report_stats(bool json, int fd, const struct stats *s);

#endif
