package grade

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKillTaggedReachesANewSession: a child in a session of its own is
// out of reach of the process group's kill, not of the run tag's.
func TestKillTaggedReachesANewSession(t *testing.T) {
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep command")
	}
	tag := "test-" + time.Now().Format("150405.000000000")
	cmd := exec.Command("sleep", "600")
	cmd.Env = append(os.Environ(), runTagEnv+"="+tag)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	assert.Zero(t, killTagged("another-tag"), "a process with another tag is not touched")
	assert.Equal(t, 1, killTagged(tag), "the tagged process in its own session is killed")
	select {
	case err := <-done:
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal())
	case <-time.After(10 * time.Second):
		t.Fatal("the tagged process was still running 10s after killTagged")
	}
}
