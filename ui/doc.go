// Package ui is the operator console: a full-screen Bubble Tea program that
// shows the pool live (header, workers, queue, resources, log) and turns key
// presses into pool commands. It reads the pool only through the Pool
// interface and a consistent Snapshot per frame, renders only the visible
// rows of the queue, and never makes the pool wait: pool events reach the
// model through one coalescing goroutine (bridge.go).
//
// Where things are: keys.go is the keymap (the footer, the ? help and the
// README key table are generated from it); styles.go the colours; one file
// per pane (header, workers, queue, resources, logpane); model.go the root
// model, which only routes; commands.go what each key does to the pool;
// confirm.go, filter.go, adddialog.go, overlay.go and statusbar.go the
// prompts, inputs and views around the panes; run.go the program's life;
// logbuffer.go the slog handler feeding the log pane.
package ui
