//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd && !windows

package runner

// discardInput does nothing where conclab knows no way to flush a
// terminal's input: keys typed during a demo may then move the
// presentation on.
func discardInput(int) {}
