package panics

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func boom() { panic(io.ErrUnexpectedEOF) }

func TestCatchKeepsValueAndStack(t *testing.T) {
	run := func() (err error) {
		defer Catch(&err)
		boom()
		return nil
	}
	err := run()
	pe := Of(fmt.Errorf("attempt: %w", err))
	if pe == nil {
		t.Fatalf("no panic in %v", err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || err.Error() != "panic: unexpected EOF" {
		t.Errorf("err %v", err)
	}
	if !strings.Contains(string(pe.Stack), "panics.boom") {
		t.Errorf("stack does not show where it panicked:\n%s", pe.Stack)
	}
	if Of(errors.New("plain")) != nil {
		t.Error("a plain error is not a panic")
	}
}
