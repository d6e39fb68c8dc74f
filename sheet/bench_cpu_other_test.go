//go:build !unix

package sheet

import "testing"

func reportCPU(*testing.B) func() { return func() {} }
