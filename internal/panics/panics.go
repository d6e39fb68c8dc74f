// Package panics turns a recovered panic into an error that keeps the
// stack it came from, so one bad PO costs one failed attempt rather than a
// multi-hour run: the goroutine that recovers it reports an error, and
// whoever owns the attempt logs the stack and restarts what the panic may
// have left half-done.
package panics

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// Error is a recovered panic.
type Error struct {
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's stack, taken where it was recovered
}

func (e *Error) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap gives the panic's value when it was an error.
func (e *Error) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// New makes an Error of a value recover returned. Call it from the
// deferred function that recovered, so the stack is the panic's.
func New(v any) *Error { return &Error{Value: v, Stack: debug.Stack()} }

// Catch, deferred, turns a panic of the calling goroutine into an Error
// stored in *err:
//
//	defer panics.Catch(&err)
func Catch(err *error) {
	if v := recover(); v != nil {
		*err = New(v)
	}
}

// Of returns the panic err carries, or nil.
func Of(err error) *Error {
	pe, _ := errors.AsType[*Error](err)
	return pe
}
