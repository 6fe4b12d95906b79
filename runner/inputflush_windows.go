//go:build windows

package runner

import "golang.org/x/sys/windows"

// discardInput throws away the console input events not yet read: keys
// typed while a demo ran.
func discardInput(fd int) { _ = windows.FlushConsoleInputBuffer(windows.Handle(fd)) }
