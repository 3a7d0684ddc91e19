/* report.h: --stats output, text or JSON. */
#ifndef ZCP_REPORT_H
#define ZCP_REPORT_H

#include "stats.h"

#include <stdbool.h>

/* Note the start of the run, for wall time. */
void report_start(void);
/* Write the report in one write(2) to fd, counted in the report itself. */
void report_stats(bool json, int fd, const struct stats *s);

#endif
