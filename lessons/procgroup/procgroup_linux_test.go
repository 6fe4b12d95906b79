package procgroup

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperEnv makes this test binary, started as a child, block forever
// (the stand-in for a deadlocked demo).
const helperEnv = "PROCGROUP_TEST_BLOCK"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		fmt.Println("blocking")
		select {} // blocks until a signal ends it
	}
	os.Exit(m.Run())
}

// gone reports whether pid has ended (exited or a zombie nobody reaped yet).
func gone(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the command name in parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// startShell starts cmd (a shell that starts a sleep in the background
// and prints its pid) in a group of its own, and returns the sleep's pid.
func startShell(t *testing.T, cmd *exec.Cmd) (grandchild int) {
	t.Helper()
	Isolate(cmd)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	grandchild, err = strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err)
	return grandchild
}

// endsSoon reports whether pid is gone within 5 s.
func endsSoon(pid int) bool {
	for deadline := time.Now().Add(5 * time.Second); !gone(pid) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return gone(pid)
}

const shellWithASleep = "sleep 60 & echo $!; wait"

func TestKillEndsTheGrandchildrenToo(t *testing.T) {
	cmd := exec.Command("sh", "-c", shellWithASleep)
	grandchild := startShell(t, cmd)
	require.NoError(t, Kill(cmd))
	_ = cmd.Wait()
	assert.True(t, endsSoon(grandchild), "the sleep that sh started (pid %d) outlived Kill", grandchild)
}

func TestCancellingTheContextKillsTheGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cmd := exec.CommandContext(ctx, "sh", "-c", shellWithASleep)
	grandchild := startShell(t, cmd)
	cancel()
	_ = cmd.Wait()
	assert.True(t, endsSoon(grandchild), "cancelling left the sleep that sh started (pid %d) running", grandchild)
}

func TestDumpPrintsEveryGoroutine(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "GOTRACEBACK=all")
	Isolate(cmd)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	_, err = bufio.NewReader(out).ReadString('\n') // "blocking": it is in TestMain
	require.NoError(t, err)

	require.NoError(t, Dump(cmd))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = Kill(cmd)
		<-done
		t.Fatal("the child did not exit within 10 s of SIGQUIT")
	}
	assert.Contains(t, stderr.String(), "SIGQUIT")
	// Where exactly main is (still returning from Println, or in select)
	// is the scheduler's business; that it is in TestMain is not.
	assert.Contains(t, stderr.String(), "goroutine 1 ", "the dump shows the main goroutine")
	assert.Contains(t, stderr.String(), "procgroup.TestMain(", "the dump shows the main goroutine's stack")
}

func TestANotStartedCommandIsLeftAlone(t *testing.T) {
	cmd := exec.Command("true")
	Isolate(cmd)
	assert.NoError(t, Kill(cmd))
	assert.NoError(t, Dump(cmd))
}
