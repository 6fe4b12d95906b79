package deadlock

import (
	"context"
	"os/exec"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// sendNobodyReceives is a whole program: main sends on an unbuffered
// channel, and there is no other goroutine to receive.
const sendNobodyReceives = `package main

import "fmt"

func main() {
	results := make(chan int) // unbuffered: a send waits for a receiver
	fmt.Println("main: sending 42...")
	results <- 42 // nobody will ever receive
	fmt.Println("main: never printed", <-results)
}
`

const runtimeDeadlock = "fatal error: all goroutines are asleep - deadlock!"

func channelDeadlock(ctx context.Context, s *lesson.Stage) error {
	s.Say("This small program is built (CGO_ENABLED=0) and run as a child process:")
	s.Write([]byte(indent(sendNobodyReceives)))
	if err := s.Pause(ctx, "run it: what does Go say?"); err != nil {
		return err
	}
	res, err := s.Program(ctx, lesson.ChildSpec{Name: "send-nobody-receives", Timeout: 10 * time.Second}, sendNobodyReceives)
	if _, noGo := exec.LookPath("go"); err != nil && noGo != nil {
		return sendAloneInChild(ctx, s)
	}
	if err != nil {
		return err
	}
	s.Heading("What the runtime printed (exit code %d)", res.ExitCode)
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	s.Write([]byte(indent(strings.Join(lines[:min(len(lines), 6)], "\n")) + "\n"))
	detected := 0.0
	if strings.Contains(res.Stderr, runtimeDeadlock) {
		detected = 1
	}
	s.Finding("runtime-detected", detected, "")
	s.Finding("exit-code", float64(res.ExitCode), "")
	for _, g := range traceback.ParseDump(res.Stderr) {
		if f, ok := traceback.UserFrame(g.Frames, nil); ok {
			s.Say("goroutine %d waits on %q at %s", g.ID, g.WaitingOn(), f.Short())
		}
	}
	s.Say("The runtime noticed because *every* goroutine was blocked and nothing (no timer,")
	s.Say("no network, no signal handler) could ever wake one. That is rare in real programs:")
	s.Say("one goroutine waiting on a timer or a socket, a cgo binary (conclab itself), or a")
	s.Say("test run with -timeout, and this check never fires. The next demo shows the usual case.")
	return nil
}

// indent prefixes every line of text with four spaces.
func indent(text string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n    ") + "\n"
}

// sendAlone is the same send, run as a child of this binary when there is
// no Go toolchain to build the standalone program with.
func sendAlone(ctx context.Context, s *lesson.Stage) error {
	results := make(chan int)
	s.Say("main: sending 42...")
	results <- 42 // nobody will ever receive
	return nil
}

// sendAloneInChild shows the channel deadlock without the runtime's own
// report: this binary links cgo, which turns that check off, so a
// watchdog ends the child and its goroutine dump shows the stuck send.
func sendAloneInChild(ctx context.Context, s *lesson.Stage) error {
	s.Warn("Building the program needs the Go toolchain (go on PATH), which is not here.")
	s.Say("Running the same send in a child of this program instead, with a %v watchdog:", s.Limit(time.Second))
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "send-alone", Timeout: time.Second})
	if err != nil {
		return err
	}
	s.Finding("runtime-detected", 0, "")
	for _, g := range traceback.ParseDump(res.Stderr) {
		if f, ok := traceback.UserFrame(g.Frames, nil); ok && g.WaitingOn() == traceback.ChanSend {
			s.Say("goroutine %d waits on %q at %s", g.ID, g.WaitingOn(), f.Short())
		}
	}
	s.Say("This binary links cgo, so the runtime never says \"all goroutines are asleep\" here;")
	s.Say("a standalone program (go run) would. The watchdog and the dump find it either way.")
	return nil
}
