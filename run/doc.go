// Package run owns one run of coupatui over one input, from the first
// check to the exit code's cause: it takes the run's locks (one run per
// input and per download root), opens the journal, reads the input,
// decides what an earlier run already settled (the resume rules), drives
// the pool and the monitor, follows the run in the console or in plain
// progress lines, keeps the results workbook current, and ends the run
// through one quit controller that owns the phases of quitting and
// shutdown_timeout. It also runs the other commands: the results
// rewritten without a browser (Report), the runs of an input (History),
// demo, inspect, pdf and login, and converts downloaded e-mails to PDF.
//
// Nothing here draws or parses flags: main maps flags to Options and an
// End to an exit code.
package run
