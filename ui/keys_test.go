package ui

import (
	"flag"
	"os"
	"strings"
	"testing"
)

const (
	keysStart = "<!-- keys:start -->"
	keysEnd   = "<!-- keys:end -->"
)

// TestREADMEKeyTable keeps the README's key table equal to the keymap; run
// go test ./ui -run READMEKeyTable -update to rewrite the section.
func TestREADMEKeyTable(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, keysStart), strings.Index(readme, keysEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no %s … %s section", path, keysStart, keysEnd)
	}
	want := "\n" + KeyTableMarkdown()
	got := readme[i+len(keysStart) : j]
	if got == want {
		return
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		// Re-read just before writing: other people edit the README too.
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		readme = string(b)
		i, j = strings.Index(readme, keysStart), strings.Index(readme, keysEnd)
		out := readme[:i+len(keysStart)] + want + readme[j:]
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the README key table is stale; run go test ./ui -run READMEKeyTable -update\nwant:\n%s\ngot:\n%s", want, got)
}

func TestKeymapHasNoClashes(t *testing.T) {
	seen := map[string]map[string]action{} // group kind → key → action
	for _, d := range keyTable {
		kind := "console"
		if d.group == dialogGroup {
			continue // dialog keys are matched per dialog, several per key by design
		}
		if seen[kind] == nil {
			seen[kind] = map[string]action{}
		}
		for _, k := range d.keys {
			if other, dup := seen[kind][k]; dup {
				t.Errorf("key %q is bound to actions %d and %d", k, other, d.act)
			}
			seen[kind][k] = d.act
		}
		if d.desc == "" || d.brief == "" || d.label == "" {
			t.Errorf("action %d lacks help text", d.act)
		}
	}
	km := newKeyMap()
	for _, k := range []string{"q", "x", "+", "-", "u", "h", "n", "l", "p", "r", "a", "/", "?", "tab", "shift+tab", "j", "k", "g", "G", "enter", "esc", "ctrl+c",
		"space", "o", "y", "<", ">"} {
		if _, ok := km.global[k]; !ok {
			t.Errorf("the issue's key %q is not bound", k)
		}
	}
}

func TestKeyTableMarkdownListsEveryKey(t *testing.T) {
	md := KeyTableMarkdown()
	for _, d := range keyTable {
		for _, k := range d.keys {
			if !strings.Contains(md, "`"+k+"`") {
				t.Errorf("key %q missing from the table", k)
			}
		}
	}
	if lines := strings.Count(md, "\n"); lines != len(keyTable)+2 {
		t.Errorf("table has %d lines, want %d", lines, len(keyTable)+2)
	}
}
