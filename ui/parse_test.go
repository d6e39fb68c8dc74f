package ui

import (
	"context"
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	return ctx, cancel
}

func TestParsePOList(t *testing.T) {
	pos, invalid := parsePOList("4500000001, PO4500000002\n4500000003;PO 4500000004\r\n\tpo# 4500000005 4500000001 abc 123")
	want := []string{"4500000001", "4500000002", "4500000003", "4500000004", "4500000005"}
	if !slices.Equal(pos, want) || !slices.Equal(invalid, []string{"abc", "123"}) {
		t.Fatalf("pos %q invalid %q", pos, invalid)
	}
}

func TestLineInputEditing(t *testing.T) {
	in := newLineInput("> ", "", 20)
	for _, k := range []string{"a", "b", "c", "left", "left", "X", "end", "backspace", "home", "delete"} {
		in.Update(keyMsg(k))
	}
	if got := in.Value(); got != "Xb" {
		t.Fatalf("value %q, want Xb", got)
	}
	in.SetValue("one two three")
	in.Update(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl})
	if got := in.Value(); got != "one two " {
		t.Fatalf("ctrl+w left %q", got)
	}
	if in.Update(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}) {
		t.Fatal("ctrl+x was taken as text")
	}
	in.Paste("a\nb\tc\x07")
	if got := in.Value(); got != "one two a b c" {
		t.Fatalf("paste left %q", got)
	}
}
