package httpserver

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// perRequest sends 20 requests at once to a handler that works 200 ms.
// The handler has no go statement: net/http runs each connection in a
// goroutine of its own, so they overlap and share what the handler
// touches (the gauge and peakGoroutines, hence the mutex).
func perRequest(ctx context.Context, s *lesson.Stage) error {
	s.Heading("net/http: %d requests at once, each handler working %v", parallel, work)
	var inside gauge
	var peakGoroutines int
	var mu sync.Mutex // guards peakGoroutines
	before := runtime.NumGoroutine()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /work", func(w http.ResponseWriter, r *http.Request) {
		// net/http called us in a goroutine of this request's own.
		inside.enter()
		defer inside.leave()
		mu.Lock()
		peakGoroutines = max(peakGoroutines, runtime.NumGoroutine()-before)
		mu.Unlock()
		if err := s.Sleep(r.Context(), work); err != nil {
			return // the client went away
		}
		fmt.Fprintln(w, "done")
	})
	base, stop, err := serve(&http.Server{Handler: mux, ReadHeaderTimeout: safety})
	if err != nil {
		return err
	}
	defer stop()
	client := newClient(s.Scale(work) + s.Limit(safety))
	defer closeClient(client)

	errs := make([]error, parallel)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = get(ctx, client, base+"/work")
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	okCount := 0
	for _, err := range errs {
		if err != nil {
			return err
		}
		okCount++
	}
	if err := s.Pause(ctx, "how long did 20 requests of 200 ms take?"); err != nil {
		return err
	}
	s.Finding("requests-ok", float64(okCount), fmt.Sprintf("of %d", parallel))
	s.Finding("peak-handlers", float64(inside.highest()), "handlers running at once")
	s.Finding("goroutines", float64(peakGoroutines), "more goroutines at the peak (handlers, connections, clients)")
	s.FindingDuration("elapsed", elapsed)
	s.FindingDuration("serial-would-take", s.Scale(work)*parallel)
	s.Say("Nobody wrote `go` in the handler: the server starts a goroutine per")
	s.Say("connection, and each request's handler runs in it, so one slow request")
	s.Say("holds up nobody else. Shared state in handlers needs a lock, as here.")
	return nil
}

// parallel requests, each taking work on the server.
const (
	parallel = 20
	work     = 200 * time.Millisecond
)
