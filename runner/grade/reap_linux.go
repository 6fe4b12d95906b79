package grade

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// dieWithGrader makes the kernel kill cmd when the grader dies, even by
// SIGKILL; the test binaries under it then see their parent gone and end
// too (the census watches for that).
func dieWithGrader(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// killTagged kills every process whose environment carries the run's tag:
// what the graded code started and left behind, in a session of its own
// (setsid) out of reach of the process group's kill, or reparented away
// from the grader. It returns how many it killed.
func killTagged(tag string) int {
	want := []byte("\x00" + runTagEnv + "=" + tag + "\x00")
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	self := os.Getpid()
	n := 0
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", d.Name(), "environ"))
		env = append(append([]byte{0}, env...), 0) // every entry between NULs
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}
