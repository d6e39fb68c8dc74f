// Package ui is the operator console: a full-screen Bubble Tea program that
// shows the pool live (header, workers, queue, resources, log) and turns key
// presses into pool commands. It reads the pool only through the Pool
// interface and a consistent Snapshot per frame, renders only the visible
// rows of the queue (asked for again only when the snapshot's TaskGen says
// the tasks changed), and never makes the pool wait: pool events reach the
// model through one coalescing goroutine (bridge.go).
//
// Where things are: component.go says what a component is (a model that
// knows its size, draws itself and lists its keys) and keeps the dialog
// stack; keys.go is the keymap (the footer, the ? help and the README key
// table are generated from it); styles.go the colours; one file per pane
// (header, workers, queue, resources, logpane) and per dialog (help,
// details, adddialog, filter, confirm; overlay.go the frame and scrolling
// they share); model.go the root model and route.go where it sends keys:
// to the top dialog, else to the pane or the command that owns the action;
// commands.go what each key does to the pool; statusbar.go the status line
// and footer; run.go the program's life; logbuffer.go the slog handler
// feeding the log pane.
package ui
