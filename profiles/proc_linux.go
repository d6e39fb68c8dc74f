package profiles

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// procIdentity reads whether the process pid runs and when it started, in
// clock ticks after boot (field 22 of /proc/<pid>/stat). A zombie counts as
// dead: it runs no code and holds no files.
func procIdentity(pid int) (alive bool, start uint64) {
	if pid <= 0 {
		return false, 0
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false, 0
	}
	// The command name (field 2) is in parentheses and may hold spaces
	// and parentheses itself, so fields are counted after the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return true, 0
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X") {
		return false, 0
	}
	const startField = 22 - 3 // fields[0] is field 3, the state
	if len(fields) > startField {
		if v, err := strconv.ParseUint(fields[startField], 10, 64); err == nil {
			return true, v
		}
	}
	return true, 0
}

// bootID names this boot of the kernel; a process recorded under another
// boot is dead whatever its PID.
func bootID() string {
	data, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}
