// Package vocab holds the domain words every layer of coupatui shares:
// what a PO number is, the status words of a PO's outcome, the states of
// a task, priorities and the download layouts. It is a leaf: it imports
// no other coupatui package, so the sheet reader, the site driver, the
// pool, the journal and the console all speak it without importing each
// other.
//
// It is not called "po" because po is the name of a PO-number variable
// in nearly every function that would import it.
package vocab
