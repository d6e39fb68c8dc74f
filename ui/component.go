package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// The console is made of components, after soft-serve's pkg/ui/common: each
// is a model that knows its size, draws itself and lists its keys for the
// footer. The four panes fill the layout; the dialogs (help, details, add,
// filter, confirm) are kept on a stack above them. The root model only
// routes: a key goes to the top dialog if one is open, else to what the
// keymap names for the main screen (route.go).

// pane is a component of the layout. It owns its selection, scroll and
// filter; the model moves them only through its methods.
type pane interface {
	SetSize(w, h int)
	Move(act action) // a navigation key while the pane has the focus
	View(focused bool) string
	Help() []key.Binding
	refresh() // re-read what it shows; called with every frame
}

// rowSelector is a pane whose rows a click selects: row is the visible
// row clicked, 0 the first under the column titles.
type rowSelector interface{ selectRow(row int) }

// dialog is a component that takes every key while it is on top of the
// stack, so typing never fires a command of the main screen.
type dialog interface {
	SetSize(w, h int) // the body's size, whatever the dialog covers
	// Update takes a key or a paste; done says the dialog is finished and
	// leaves the stack.
	Update(msg tea.Msg) (cmd tea.Cmd, done bool)
	View() string
	Help() (title string, keys []key.Binding) // the footer while it has the keys
	inStatusLine() bool                       // drawn in the status line (prompts), not over the body
}

// refresher is a dialog that shows live data: it is refreshed with every
// frame.
type refresher interface{ refresh() }

// dialogStack holds the open dialogs, the newest last. Owned by the model.
type dialogStack []dialog

func (s *dialogStack) push(d dialog) { *s = append(*s, d) }

// top is the dialog that has the keys; nil when none is open.
func (s dialogStack) top() dialog {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// newest is the newest dialog drawn in the status line (status) or over
// the body (!status); nil when none is.
func (s dialogStack) newest(status bool) dialog {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].inStatusLine() == status {
			return s[i]
		}
	}
	return nil
}

// remove takes d off the stack wherever it is: a dialog may have opened
// another before it finished.
func (s *dialogStack) remove(d dialog) {
	s.removeIf(func(x dialog) bool { return x == d })
}

// removeIf closes every dialog drop accepts.
func (s *dialogStack) removeIf(drop func(dialog) bool) {
	*s = slices.DeleteFunc(*s, drop)
}
