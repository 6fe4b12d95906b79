package contexts

import (
	"context"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// The story: each request searches 1,000 rows for the first square above
// a limit. The answer is found early (row 23 or so), so the request
// returns with almost all the rows still unread.
const (
	rows     = 1000
	limit    = 500
	requests = 5
)

// gen sends 1, 2, ..., n on the channel it returns, then closes it.
func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; i <= n; i++ {
			out <- i // blocks until somebody receives: forever, if nobody will
		}
	}()
	return out
}

// square sends the square of every value it receives.
func square(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- v * v
		}
	}()
	return out
}

// firstAbove is the consumer: it returns the first value above bound,
// and stops reading there.
func firstAbove(in <-chan int, bound int) int {
	for v := range in {
		if v > bound {
			return v // the stages upstream are still waiting to send
		}
	}
	return -1
}

// genCtx is gen that also gives up when ctx is done.
func genCtx(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; i <= n; i++ {
			select {
			case out <- i:
			case <-ctx.Done():
				return // the consumer has gone: close and exit
			}
		}
	}()
	return out
}

// squareCtx is square that also gives up when ctx is done.
func squareCtx(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in { // ends when genCtx, cancelled too, closes in
			select {
			case out <- v * v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// stageFunc matches the goroutines the four stage functions start.
var stageFunc = regexp.MustCompile(`/lessons/11-context\.(gen|square)(Ctx)?\.func`)

// stagesAlive counts this process's pipeline goroutines, from a dump of
// every goroutine's stack: exact, whatever else the process runs.
func stagesAlive() int { return len(stages()) }

// stages returns this process's pipeline goroutines, as a dump shows them.
func stages() []traceback.Goroutine {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var alive []traceback.Goroutine
	for _, g := range traceback.ParseDump(string(buf)) {
		for _, f := range g.Frames {
			if stageFunc.MatchString(f.Func) {
				alive = append(alive, g)
				break
			}
		}
	}
	return alive
}

// where tells what the goroutines wait for and at which line, e.g.
// "chan send at pipeline.go:29": 5.
func where(gs []traceback.Goroutine) map[string]int {
	places := map[string]int{}
	for _, g := range gs {
		if f, ok := traceback.UserFrame(g.Frames, nil); ok {
			places[g.WaitingOn()+" at "+f.Short()]++
		}
	}
	return places
}

// settle waits, a second at most, for the pipeline goroutines to exit
// and returns how many are still alive. Goroutines that were told to stop
// need a moment to be scheduled and return.
func settle(s *lesson.Stage) int {
	deadline := time.Now().Add(s.Limit(time.Second))
	alive := stagesAlive()
	for alive > 0 && time.Now().Before(deadline) {
		time.Sleep(s.Scale(time.Millisecond))
		alive = stagesAlive()
	}
	return alive
}

func leakyPipeline(ctx context.Context, s *lesson.Stage) error {
	s.Heading("%d requests, each: square(gen(%d rows)), first square above %d", requests, rows, limit)
	before := runtime.NumGoroutine()
	server := s.Lane("server")
	var abandoned []<-chan int // kept only so that this demo can free them at the end
	for r := 1; r <= requests; r++ {
		squares := square(gen(rows))
		v := firstAbove(squares, limit)
		abandoned = append(abandoned, squares)
		server.Printf("request %d: answer %d; goroutines now %d", r, v, runtime.NumGoroutine())
		if err := s.Sleep(ctx, 150*time.Millisecond); err != nil {
			break
		}
	}
	stuck := stages()
	paused := s.Pause(ctx, "every request has answered: are we done?")
	s.Finding("goroutines-added", float64(runtime.NumGoroutine()-before), "")
	s.Finding("leaked", float64(len(stuck)), "pipeline goroutines blocked on a send")
	places := where(stuck)
	for _, place := range slices.Sorted(maps.Keys(places)) {
		s.Say("  %d goroutines blocked in %s", places[place], place)
	}
	s.Warn("every request left gen and square behind, each blocked on `out <- ...`:")
	s.Warn("nobody will ever receive, so they never return, with their stacks and")
	s.Warn("whatever they hold. A server leaks 2 goroutines per request, forever.")

	// Freeing them without a context means receiving every row they still
	// want to send. Only this demo can: a real server has lost the channels.
	s.Heading("Freeing them the hard way: drain every abandoned channel")
	drained := 0
	for _, ch := range abandoned {
		for range ch {
			drained++
		}
	}
	s.Say("received %d unwanted values to let them finish", drained)
	s.Finding("leaked-after-drain", float64(settle(s)), "pipeline goroutines")
	if paused != nil {
		return paused
	}
	return ctx.Err()
}

func contextPipeline(ctx context.Context, s *lesson.Stage) error {
	s.Heading("%d requests, each with its own context, cancelled when it returns", requests)
	before := runtime.NumGoroutine()
	server := s.Lane("server")
	for r := 1; r <= requests; r++ {
		reqCtx, cancel := context.WithCancel(ctx)
		squares := squareCtx(reqCtx, genCtx(reqCtx, rows))
		v := firstAbove(squares, limit)
		cancel() // "I am done": every stage sees ctx.Done() and returns
		left := settle(s)
		server.Printf("request %d: answer %d; goroutines now %d", r, v, runtime.NumGoroutine())
		if left > 0 {
			s.Warn("request %d left %d pipeline goroutines behind", r, left)
		}
		if err := s.Sleep(ctx, 150*time.Millisecond); err != nil {
			break
		}
	}
	paused := s.Pause(ctx, "how many are left this time?")
	leaked := settle(s)
	s.Finding("leaked", float64(leaked), "pipeline goroutines")
	s.Finding("goroutines-added", float64(runtime.NumGoroutine()-before), "")
	s.Say("cancel() closes reqCtx.Done(); a stage blocked in")
	s.Say("  select { case out <- v: case <-ctx.Done(): }")
	s.Say("takes the second case, closes its channel and returns.")
	s.Say("In real code, write `defer cancel()` right after WithCancel:")
	s.Say("go vet reports a cancel that some path forgets.")
	if paused != nil {
		return paused
	}
	return ctx.Err()
}
