//go:build !linux

package grade

import "os/exec"

// dieWithGrader: only Linux has a parent-death signal; elsewhere the
// process group's kill on every way out of the grader is what there is.
func dieWithGrader(*exec.Cmd) {}

// killTagged: finding processes by their environment needs Linux's /proc;
// elsewhere the process group's kill is what there is.
func killTagged(string) int { return 0 }
