package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
)

// action names what a key does. The console's one keymap is keyTable below:
// the dispatcher, the footer, the ? help and the README's key table are all
// generated from it, so they cannot disagree.
type action int

const (
	actNone action = iota
	actFocusNext
	actFocusPrev
	actUp
	actDown
	actTop
	actBottom
	actPageUp
	actPageDown
	actFilter
	actClear
	actDetails
	actAdd
	actUrgent
	actHigh
	actNormal
	actLow
	actCancel
	actMark
	actOpen
	actCopy
	actSortNext
	actSortPrev
	actRetry
	actScaleUp
	actScaleDown
	actPause
	actShowDone
	actSummary
	actSignedIn
	actHelp
	actQuit
	actInterrupt

	// Keys of dialogs and inputs; they act only while one is open.
	actYes
	actNo
	actSubmit
	actDismiss
	actNextField
	actPrioPrev
	actPrioNext
)

// keyDef is one row of the keymap.
type keyDef struct {
	act   action
	group string   // the help section: Navigate, Tasks, Pool, Console, Dialogs
	keys  []string // as tea.KeyPressMsg.String() spells them
	label string   // how help shows the keys
	desc  string   // for the ? help and the README
	brief string   // for the footer
	short bool     // shown in the footer's short help
}

// keyTable is the keymap. Order is the order help shows.
var keyTable = []keyDef{
	{actFocusNext, "Navigate", []string{"tab"}, "tab", "focus the next pane", "focus", true},
	{actFocusPrev, "Navigate", []string{"shift+tab"}, "shift+tab", "focus the previous pane", "focus back", false},
	{actUp, "Navigate", []string{"k", "up"}, "k/↑", "move up (log: scroll up, stop following)", "up", false},
	{actDown, "Navigate", []string{"j", "down"}, "j/↓", "move down", "down", false},
	{actTop, "Navigate", []string{"g", "home"}, "g/home", "go to the top", "top", false},
	{actBottom, "Navigate", []string{"G", "end"}, "G/end", "go to the bottom (log: follow again)", "bottom", false},
	{actPageUp, "Navigate", []string{"pgup", "ctrl+u"}, "pgup/ctrl+u", "page up", "page up", false},
	{actPageDown, "Navigate", []string{"pgdown", "ctrl+d"}, "pgdn/ctrl+d", "page down", "page down", false},
	{actFilter, "Navigate", []string{"/"}, "/", "filter the queue (or the log when it has focus)", "filter", false},
	{actClear, "Navigate", []string{"esc"}, "esc", "clear the marks, then the filter; close a view", "clear", false},
	{actDetails, "Navigate", []string{"enter"}, "enter", "details of the selected task or worker", "details", false},

	{actAdd, "Tasks", []string{"a"}, "a", "add POs (several, with a priority)", "add", true},
	{actMark, "Tasks", []string{"space"}, "space", "mark or unmark the selected task, for u/h/n/l and x", "mark", false},
	{actUrgent, "Tasks", []string{"u"}, "u", "URGENT: the marked tasks, else all filtered, else the selected", "urgent", false},
	{actHigh, "Tasks", []string{"h"}, "h", "HIGH: the marked tasks, else all filtered, else the selected", "high", false},
	{actNormal, "Tasks", []string{"n"}, "n", "NORMAL: the marked tasks, else all filtered, else the selected", "normal", false},
	{actLow, "Tasks", []string{"l"}, "l", "LOW: the marked tasks, else all filtered, else the selected", "low", false},
	{actCancel, "Tasks", []string{"x"}, "x", "cancel the marked, else all filtered, else the selected (y/N)", "cancel", false},
	{actRetry, "Tasks", []string{"r"}, "r", "retry the selected failed task", "retry", false},
	{actShowDone, "Tasks", []string{"d"}, "d", "show or hide finished tasks in the queue", "finished", false},
	{actSortNext, "Tasks", []string{">"}, ">", "sort the queue by the next column", "sort", false},
	{actSortPrev, "Tasks", []string{"<"}, "<", "sort the queue by the previous column", "sort back", false},
	{actOpen, "Tasks", []string{"o"}, "o", "open the selected PO's folder in the desktop's file manager", "open", false},
	{actCopy, "Tasks", []string{"y"}, "y", "copy the selected PO number (details: its error) to clipboard", "copy", false},

	{actScaleUp, "Pool", []string{"+", "="}, "+", "one more worker", "+worker", false},
	{actScaleDown, "Pool", []string{"-"}, "-", "one worker less", "-worker", false},
	{actPause, "Pool", []string{"p"}, "p", "pause or resume dispatching", "pause", true},
	{actSignedIn, "Pool", []string{"L"}, "L", "signed in again (after coupatui login): resume", "signed in", false},

	{actSummary, "Console", []string{"s"}, "s", "show or hide the run summary", "summary", false},
	{actHelp, "Console", []string{"?"}, "?", "show or hide this help", "help", true},
	{actQuit, "Console", []string{"q"}, "q", "quit gracefully (again: force, asks y/N)", "quit", true},
	{actInterrupt, "Console", []string{"ctrl+c"}, "ctrl+c", "quit; while draining, force (asks y/N)", "quit", false},

	{actYes, "Dialogs", []string{"y", "Y"}, "y", "yes (confirm); enter is not yes", "yes", false},
	{actNo, "Dialogs", []string{"n", "N", "esc", "enter"}, "n/esc/enter", "no (any other key too)", "no", false},
	{actSubmit, "Dialogs", []string{"enter"}, "enter", "submit the add or filter input", "submit", false},
	{actDismiss, "Dialogs", []string{"esc"}, "esc", "close the input without acting", "close", false},
	{actNextField, "Dialogs", []string{"tab", "shift+tab"}, "tab", "next field of the add dialog", "next field", false},
	{actPrioPrev, "Dialogs", []string{"left"}, "←", "lower priority (add dialog, priority field)", "lower", false},
	{actPrioNext, "Dialogs", []string{"right"}, "→", "higher priority (add dialog, priority field)", "higher", false},
}

// dialogGroup is the keyTable group whose keys act only inside dialogs.
const dialogGroup = "Dialogs"

// keyMap is keyTable indexed for dispatch and help.
type keyMap struct {
	global   map[string]action // keys of the main screen
	dialog   map[string]action // keys of dialogs; several actions may share one key
	bindings map[action]key.Binding

	// Help-only groupings of keyTable rows, so the footer stays short.
	move, prio, scale, sort key.Binding
}

func newKeyMap() keyMap {
	km := keyMap{
		global:   map[string]action{},
		dialog:   map[string]action{},
		bindings: map[action]key.Binding{},
	}
	for _, d := range keyTable {
		km.bindings[d.act] = key.NewBinding(key.WithKeys(d.keys...), key.WithHelp(d.label, d.brief))
		target := km.global
		if d.group == dialogGroup {
			target = km.dialog
		}
		for _, k := range d.keys {
			if _, dup := target[k]; !dup {
				target[k] = d.act
			}
		}
	}
	km.move = group(km, "j/k", "move", actDown, actUp)
	km.prio = group(km, "u/h/n/l", "priority", actUrgent, actHigh, actNormal, actLow)
	km.scale = group(km, "+/-", "workers", actScaleUp, actScaleDown)
	km.sort = group(km, "</>", "sort", actSortPrev, actSortNext)
	return km
}

// group joins the keys of several actions under one help entry.
func group(km keyMap, label, brief string, acts ...action) key.Binding {
	var keys []string
	for _, a := range acts {
		keys = append(keys, km.bindings[a].Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, brief))
}

// matches reports whether the key string k is bound to act.
func (km keyMap) matches(k string, act action) bool {
	b, ok := km.bindings[act]
	if !ok {
		return false
	}
	for _, bk := range b.Keys() {
		if bk == k {
			return true
		}
	}
	return false
}

// shortHelp is the footer's help after the pane's own keys: the keys marked
// short, in table order, without help and quit (the footer pins those).
func (km keyMap) shortHelp() []key.Binding {
	var out []key.Binding
	for _, d := range keyTable {
		if d.short && d.act != actHelp && d.act != actQuit {
			out = append(out, km.bindings[d.act])
		}
	}
	return out
}

// keys returns the bindings of acts, for contextual help.
func (km keyMap) keys(acts ...action) []key.Binding {
	out := make([]key.Binding, len(acts))
	for i, a := range acts {
		out[i] = km.bindings[a]
	}
	return out
}

// helpGroups returns the table grouped for the ? help, in table order.
func helpGroups() (names []string, groups map[string][]keyDef) {
	groups = map[string][]keyDef{}
	for _, d := range keyTable {
		if _, seen := groups[d.group]; !seen {
			names = append(names, d.group)
		}
		groups[d.group] = append(groups[d.group], d)
	}
	return names, groups
}

// KeyTableMarkdown renders the keymap as the Markdown table the README
// carries between its keys markers.
func KeyTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Where | Keys | Action |\n|---|---|---|\n")
	for _, d := range keyTable {
		where := "console"
		if d.group == dialogGroup {
			where = "dialogs"
		}
		ks := make([]string, len(d.keys))
		for i, k := range d.keys {
			ks[i] = "`" + k + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", where, strings.Join(ks, " "), d.desc)
	}
	return b.String()
}
