/* longopt.h: getopt_long's reading of a command line, put into words popt
 * reads the same way. */
#ifndef ZCP_LONGOPT_H
#define ZCP_LONGOPT_H

#include <popt.h>

/*
 * Rewrite argv (argc words) for popt as getopt_long would read it: a
 * unique prefix of a long option is that option, an exact name wins over
 * prefixes, "--name value" and "-Xvalue" are joined as "--name=value",
 * and a long option whose argument is optional takes none unless it has
 * "=". Options stop at "--", and at the first operand if POSIXLY_CORRECT
 * is set. The option names come from table. A word getopt_long rejects
 * (ambiguous, unknown, missing or unwanted argument) gets its message in
 * getopt's words and exits with status 1. Returns a new argv (malloc'd,
 * NULL-terminated; its words are argv's or malloc'd) and sets *argc_out.
 */
/* The descrip of a table entry that is zcp's own, not cp's: such an option
 * is abbreviated only where no cp option matches. */
extern const char longopt_own[];

/* The value popt sees for an optional argument not given ("--backup"),
 * which "--backup=" (an empty one, cp's "ambiguous argument ''") is not:
 * a control character no option value means anything with. */
#define LONGOPT_BARE "\x1f"

const char **longopt_translate(int argc, const char **argv, const struct poptOption *table,
			       int *argc_out);

/* Free what longopt_translate made (the words not from argv). */
void longopt_free(const char **words, const char **argv);

#endif
