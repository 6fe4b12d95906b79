package testcode

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.uber.org/goleak"

	"github.com/conclab/conclab/lessons/lesson"
)

// leaks leaves three goroutines behind (two blocked on sends nobody
// receives, one waiting an hour) and asks goleak about them; then runs
// leakTest with the runtime's goroutine leak profile, which reports only
// the goroutine that nothing can ever wake.
func leaks(ctx context.Context, s *lesson.Stage) error {
	s.Heading("goleak: which goroutines are still here?")
	ignore := goleak.IgnoreCurrent()
	local, global, stop := make(chan int), make(chan int), make(chan struct{})
	go func() { local <- 1 }()
	go func() { global <- 1 }()
	go func() {
		select { // an hour, or until this demo cleans up
		case <-time.After(time.Hour):
		case <-stop:
		}
	}()
	err := goleak.Find(ignore)
	found := 0
	if err != nil {
		found = strings.Count(err.Error(), "Goroutine ")
		for _, line := range strings.Split(err.Error(), "\n") {
			if i := strings.Index(line, "Goroutine "); i >= 0 {
				s.Say("  %s", line[i:])
			}
		}
	}
	s.Finding("goleak-found", float64(found), "goroutines")
	<-local
	<-global
	close(stop)
	if err := goleak.Find(ignore); err != nil {
		s.Warn("after clean-up goleak still finds: %v", err)
		s.Finding("goleak-after-cleanup", 1, "")
	} else {
		s.Finding("goleak-after-cleanup", 0, "")
	}
	s.Say("goleak compares the goroutines now with those at the start and retries a while:")
	s.Say("a heuristic. It flagged all three, the sleeper too, and says nothing of why.")

	if err := s.Pause(ctx, "the runtime's goroutine leak profile: which of the three does it report?"); err != nil {
		return err
	}
	s.Heading("The goroutine leak profile (Go 1.26, GOEXPERIMENT=goroutineleakprofile)")
	out, code, err := goTool(ctx, s, map[string]string{"leak_test.go": leakTest}, []string{"GOEXPERIMENT=goroutineleakprofile"}, "test", "-count=1", "-v", ".")
	if err == errNoGo {
		return noGo(s, "go test")
	} else if err != nil {
		return err
	}
	show(s, "GOEXPERIMENT=goroutineleakprofile go test", out, func(l string) bool {
		return strings.Contains(l, "goroutineleak profile") || strings.Contains(l, "leak_test.go")
	}, 6)
	proven := 0
	if code == 0 && strings.Contains(out, "goroutineleak profile: total 1") && regexp.MustCompile(fmt.Sprintf(`(?m)leak_test\.go:%d$`, lineOf(leakTest, "local <- 1"))).MatchString(out) {
		proven = 1
	}
	s.Finding("profile-proved", float64(proven), "of 3 (the local channel's sender)")
	s.Say("The garbage collector proves a leak: a goroutine blocked on a channel or lock that")
	s.Say("nothing still running can reach will never wake. The one on the global channel")
	s.Say("might, and the sleeper will: no false alarms, but a leak through a global is missed.")
	s.Say("goleak catches more and can be wrong; use goleak in tests, the profile in production")
	s.Say("(conclab's grader takes it when a test stops making progress).")
	return nil
}

// leakTest starts three goroutines that outlive the test: one blocked on
// a channel nobody else can reach, one on a channel a global variable
// keeps reachable, one asleep for an hour. It writes the runtime's
// goroutine leak profile (GOEXPERIMENT=goroutineleakprofile).
const leakTest = `package demo

import (
	"os"
	"runtime/pprof"
	"testing"
	"time"
)

var results = make(chan int) // a global: anyone could still receive

func TestLeaks(t *testing.T) {
	local := make(chan int)
	go func() { local <- 1 }()            // nobody can ever receive: leaked
	go func() { results <- 1 }()          // reachable through a global
	go func() { time.Sleep(time.Hour) }() // will wake up, in an hour
	time.Sleep(50 * time.Millisecond)     // let them block
	pprof.Lookup("goroutineleak").WriteTo(os.Stdout, 1)
}
`

// lineOf is the number of the first line of text that contains what.
func lineOf(text, what string) int {
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, what) {
			return i + 1
		}
	}
	return 0
}
