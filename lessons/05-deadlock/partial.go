package deadlock

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// waitThenReply waits for a message on in and answers on out. Two of them
// wired to each other both wait first: neither ever replies.
func waitThenReply(s *lesson.Stage, name string, in <-chan int, out chan<- int) {
	lane := s.Lane(name)
	lane.Start()
	defer lane.Done()
	lane.Waiting(name + " inbox")
	v, ok := <-in // blocks: the other side is waiting too
	if !ok {
		lane.Printf("inbox closed: giving up")
		return
	}
	lane.Received(name + " inbox")
	out <- v + 1
}

// everyGoroutine is a dump of every goroutine of this process.
func everyGoroutine() []traceback.Goroutine {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	return traceback.ParseDump(string(buf[:n]))
}

// newSince counts the goroutines alive now that were not in before: the
// ones this demo added, whatever other goroutines of the process (a test
// binary's, say) started or ended meanwhile, which a difference of
// runtime.NumGoroutine would count too.
func newSince(before []traceback.Goroutine) int {
	old := map[int]bool{}
	for _, g := range before {
		old[g.ID] = true
	}
	added := 0
	for _, g := range everyGoroutine() {
		if !old[g.ID] {
			added++
		}
	}
	return added
}

// stuckIn counts the goroutines blocked in a channel receive inside
// waitThenReply, from a dump of every goroutine of this process.
func stuckIn() (int, []traceback.Goroutine) {
	var stuck []traceback.Goroutine
	for _, g := range everyGoroutine() {
		if g.WaitingOn() != traceback.ChanReceive {
			continue
		}
		for _, f := range g.Frames {
			if f.Func == "github.com/conclab/conclab/lessons/05-deadlock.waitThenReply" {
				stuck = append(stuck, g)
				break
			}
		}
	}
	return len(stuck), stuck
}

func partialDeadlock(ctx context.Context, s *lesson.Stage) error {
	before := everyGoroutine()
	alice, bob := make(chan int), make(chan int) // each one's inbox
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); waitThenReply(s, "alice", alice, bob) }()
	go func() { defer wg.Done(); waitThenReply(s, "bob", bob, alice) }()

	// Meanwhile the rest of the program carries on: a server answering
	// requests. Because something still runs, the runtime reports nothing.
	server := s.Lane("server")
	for i := 1; i <= 3; i++ {
		if err := s.Sleep(ctx, 150*time.Millisecond); err != nil {
			close(alice)
			close(bob)
			wg.Wait()
			return err
		}
		server.Printf("served request %d (goroutines: %d)", i, runtime.NumGoroutine())
	}

	// Look at every goroutine's stack until both are seen parked (they
	// surely are by now; the loop only makes the count not depend on it).
	var n int
	var stuck []traceback.Goroutine
	for deadline := time.Now().Add(s.Limit(2 * time.Second)); time.Now().Before(deadline); time.Sleep(s.Scale(10 * time.Millisecond)) {
		if n, stuck = stuckIn(); n == 2 {
			break
		}
	}
	if err := s.Pause(ctx, "the program runs fine: is anything wrong?"); err != nil {
		close(alice)
		close(bob)
		wg.Wait()
		return err
	}
	s.Heading("runtime.NumGoroutine and runtime.Stack tell")
	s.Finding("goroutines-added", float64(newSince(before)), "")
	for _, g := range stuck {
		if f, ok := traceback.UserFrame(g.Frames, nil); ok {
			s.Say("  goroutine %d [%s] at %s", g.ID, g.State, f.Short())
		}
	}
	s.Finding("stuck", float64(n), "goroutines waiting for each other")
	s.Say("alice waits for bob, bob waits for alice: a deadlock, but only of these two.")

	s.Heading("Releasing them: close both inboxes")
	close(alice) // a receive on a closed channel returns at once
	close(bob)
	wg.Wait()
	after, _ := stuckIn()
	s.Finding("stuck-after-release", float64(after), "goroutines")
	s.Say("In a server this is a slow leak: every stuck request keeps its goroutine and")
	s.Say("memory forever. Watch the goroutine count (expvar, pprof's goroutine profile),")
	s.Say("and give every wait a way out: a timeout, a ctx.Done(), a close.")
	return nil
}
