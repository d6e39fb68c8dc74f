//go:build !windows

package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestBaseInUse(t *testing.T) {
	dead, _ := deadPID(t)
	for _, tc := range []struct {
		name  string
		link  string // "" for no SingletonLock
		pid   int
		inUse bool
	}{
		{"no lock", "", 0, false},
		{"our own pid", fmt.Sprintf("%s-%d", hostname(), os.Getpid()), os.Getpid(), true},
		{"dead pid", fmt.Sprintf("%s-%d", hostname(), dead), 0, false},
		{"another host", fmt.Sprintf("%s-elsewhere-%d", hostname(), dead), dead, true},
		{"garbage", "not-a-pid", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestManager(t, Options{})
			if tc.link != "" {
				if err := os.Symlink(tc.link, filepath.Join(m.Base(), "SingletonLock")); err != nil {
					t.Fatal(err)
				}
			}
			pid, inUse := m.BaseInUse()
			if pid != tc.pid || inUse != tc.inUse {
				t.Errorf("BaseInUse() = %d, %v; want %d, %v", pid, inUse, tc.pid, tc.inUse)
			}
		})
	}
}
