//go:build unix

package processes

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// orphanParentEnv tells the grandchild which pid started it: by the time it
// runs, that parent may already be gone.
const orphanParentEnv = "CONCLAB_ORPHAN_PARENT"

// orphan starts a child that starts a grandchild and exits without waiting
// for it. The grandchild reports its parent pid before and after.
func orphan(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(safety))
	defer cancel()
	lane := s.Lane("demo")
	cmd, err := s.Command(ctx, "orphan-parent")
	if err != nil {
		return err
	}
	// Our own pipe, rather than cmd.Output: the grandchild inherits its
	// write end and keeps it open after its parent exits, so we read to
	// the end of the pipe (the grandchild exiting), bounded by a deadline.
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Start()
	w.Close() // only the children hold the write end now
	if err != nil {
		return err
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("the orphan's parent failed: %w", err)
	}
	lane.Printf("child %d exited (status %d); its own child runs on", cmd.Process.Pid, cmd.ProcessState.ExitCode())
	s.Finding("parent-exited-first", 1, "")

	_ = r.SetReadDeadline(time.Now().Add(s.Limit(safety)))
	was, now := -1, -1
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		lane.Printf("read: %s", line)
		if _, rest, ok := strings.Cut(line, "adopted:"); ok {
			fmt.Sscanf(strings.TrimSpace(rest), "%d -> %d", &was, &now)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the orphan's report: %w", err)
	}
	if was < 0 {
		return errors.New("the orphan never reported its new parent")
	}
	s.Finding("orphan-reparented", boolFinding(was == cmd.Process.Pid && now != was), "")
	s.Finding("new-parent-pid", float64(now), "")
	s.Say("Its parent %d is gone; pid %d adopted it (init, or the nearest", was, now)
	s.Say("\"subreaper\" such as a container's init or a service manager), and")
	s.Say("will reap it when it exits: an orphan is not a zombie.")
	return nil
}

// orphanParent starts a grandchild and returns without waiting for it.
func orphanParent(_ context.Context, s *lesson.Stage) error {
	// Not ctx-bound: the point is that the grandchild outlives us.
	cmd, err := s.Command(context.Background(), "orphaned")
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(cmd.Env, orphanParentEnv+"="+strconv.Itoa(os.Getpid()))
	if err := cmd.Start(); err != nil {
		return err
	}
	s.Say("parent %d: started child %d; exiting without waiting for it", os.Getpid(), cmd.Process.Pid)
	return nil
}

// orphaned waits until its parent has gone (its parent pid changes), says
// who adopted it, and exits; bounded by safety.
func orphaned(_ context.Context, s *lesson.Stage) error {
	was, err := strconv.Atoi(os.Getenv(orphanParentEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", orphanParentEnv, err)
	}
	deadline := time.Now().Add(s.Limit(safety))
	for os.Getppid() == was && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	now := os.Getppid()
	if now == was {
		return fmt.Errorf("orphan %d: parent %d still there after %v", os.Getpid(), was, s.Limit(safety))
	}
	s.Say("orphan %d: my parent is gone; adopted: %d -> %d", os.Getpid(), was, now)
	return nil
}
