package events

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's clients try 3 times, waiting 0.5 s each, for a database
// that becomes ready after a random 1-2 s. Here the two ready times are
// fixed, a quarter of a second away from a try's end, so every run tells
// the same story: ready at 1.25 s (during the third try) and at 1.75 s
// (after the last try gave up).
const (
	clients   = 10
	tries     = 3
	tryWait   = 500 * time.Millisecond
	readyFast = 1250 * time.Millisecond
	readySlow = 1750 * time.Millisecond
)

func databaseReady(ctx context.Context, s *lesson.Stage) error {
	for _, run := range []struct {
		name  string
		ready time.Duration
	}{{"fast", readyFast}, {"slow", readySlow}} {
		if err := s.Pause(ctx, fmt.Sprintf("the database is ready after %v: how many clients connect?", s.Scale(run.ready))); err != nil {
			return err
		}
		s.Heading("The database is ready after %v", s.Scale(run.ready))
		connected, timedOut, err := serveClients(ctx, s, run.ready)
		if err != nil {
			return err
		}
		s.Finding(run.name+"-connected", float64(connected), "clients")
		s.Finding(run.name+"-timed-out", float64(timedOut), "clients")
	}
	s.Say("One close(ready) told all ten clients at once; nobody polled a flag, and a client")
	s.Say("that gave up did so on its own clock, not by guessing how long the server takes.")
	return nil
}

// serveClients starts the database and the clients, and counts how the
// clients ended.
func serveClients(ctx context.Context, s *lesson.Stage, readyAfter time.Duration) (connected, timedOut int, err error) {
	ready := make(chan struct{}) // closed once: "the database is up"
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		db := s.Lane("database")
		db.Start()
		defer db.Done()
		if s.Sleep(ctx, readyAfter) != nil {
			db.Printf("shut down before it was ready")
			return
		}
		db.Printf("ready")
		close(ready) // every client waiting on <-ready wakes up
		db.Sent("ready")
	}()

	var nConnected, nTimedOut atomic.Int32
	var clientsDone sync.WaitGroup
	for i := range clients {
		clientsDone.Add(1)
		go func() {
			defer clientsDone.Done()
			lane := s.Lane(fmt.Sprintf("client %d", i+1))
			lane.Start()
			defer lane.Done()
			for try := 1; try <= tries; try++ {
				lane.Waiting("ready")
				select {
				case <-ready:
					lane.Received("ready")
					lane.Printf("connected on try %d", try)
					nConnected.Add(1)
					return
				case <-time.After(s.Scale(tryWait)):
					lane.Printf("try %d: not ready yet", try)
				case <-ctx.Done():
					return
				}
			}
			lane.Printf("connection timed out")
			nTimedOut.Add(1)
		}()
	}
	clientsDone.Wait()
	cancel() // a database still starting up has nobody left to serve
	wg.Wait()
	if err := ctx.Err(); err != nil && nConnected.Load()+nTimedOut.Load() != clients {
		return 0, 0, err
	}
	return int(nConnected.Load()), int(nTimedOut.Load()), nil
}
