//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package runner

import (
	"errors"
	"os"
)

// cbreak: where the terminal cannot be read a key at a time, watch's keys
// are read a line at a time (the key, then Enter).
func cbreak(*os.File) (func(), error) {
	return nil, errors.New("single keys are not supported on this system: type the key and press Enter")
}
