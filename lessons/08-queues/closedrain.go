package queues

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// errClosed is what the mailbox says once it is closed and empty.
var errClosed = errors.New("mailbox: closed")

// errEmpty is what the mailbox says when it is open and has nothing: this
// demo's Get does not wait (the next demo is about waiting).
var errEmpty = errors.New("mailbox: empty")

// mailbox is a queue with a Close of its own. Its closed flag sits under
// the same lock as its items, so "is it closed?" and "add the item" are
// one step for everyone who locks.
type mailbox struct {
	mu     sync.Mutex
	items  []string
	closed bool
}

// Put adds v, or fails once the mailbox is closed.
func (m *mailbox) Put(v string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	m.items = append(m.items, v)
	return nil
}

// Get takes the oldest item. Closed or not, items left inside still come
// out; only a closed and empty mailbox says errClosed, every time.
func (m *mailbox) Get() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) > 0 {
		v := m.items[0]
		m.items = m.items[1:]
		return v, nil
	}
	if m.closed {
		return "", errClosed
	}
	return "", errEmpty
}

// Close closes the mailbox; closing twice is harmless.
func (m *mailbox) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
}

func closeAndDrain(ctx context.Context, s *lesson.Stage) error {
	s.Heading("A channel closed with 3 items inside")
	queue := make(chan string, 4)
	queue <- "a"
	queue <- "b"
	queue <- "c"
	close(queue)
	drained, closedSeen := 0, 0
	for range 5 {
		v, ok := <-queue // ok is false only once the queue is closed AND empty
		if !ok {
			s.Say("get: closed")
			closedSeen++
			continue
		}
		s.Say("get: %q", v)
		drained++
	}
	s.Finding("channel-drained", float64(drained), "items after close")
	s.Finding("channel-closed-reports", float64(closedSeen), "gets said closed")

	panicked := 0.0
	func() {
		defer func() {
			if r := recover(); r != nil { // shown here, never a fix
				s.Warn("put after close: panic: %v", r)
				panicked = 1
			}
		}()
		queue <- "d"
	}()
	s.Finding("channel-put-panicked", panicked, "(1 = yes)")
	s.Say("A send on a closed channel panics, and checking first does not help: someone")
	s.Say("may close between the check and the send. A Put that must fail needs a flag.")

	if err := s.Pause(ctx, "a mailbox with a closed flag under its lock: who gets what?"); err != nil {
		return err
	}
	s.Heading("A mailbox: 6 letters, Close, then 3 consumers drain it")
	var box mailbox
	for i := range 6 {
		if err := box.Put(fmt.Sprintf("letter %d", i+1)); err != nil {
			return err
		}
	}
	box.Close()
	late := box.Put("late letter")
	s.Warn("put after Close: %v", late)
	putFailed := 0.0
	if errors.Is(late, errClosed) {
		putFailed = 1
	}

	var mu sync.Mutex
	got := map[string]int{} // how often each letter came out
	closedSaid := 0
	var wg sync.WaitGroup
	for c := range 3 {
		lane := s.Lane(fmt.Sprintf("consumer %d", c+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			for {
				v, err := box.Get()
				if err != nil { // closed and empty: this consumer is done
					lane.Printf("Get: %v", err)
					mu.Lock()
					if errors.Is(err, errClosed) {
						closedSaid++
					}
					mu.Unlock()
					return
				}
				lane.Received("mailbox")
				mu.Lock()
				got[v]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	twice := 0
	for _, n := range got {
		if n > 1 {
			twice++
		}
	}
	s.Finding("put-after-close-failed", putFailed, "(1 = yes)")
	s.Finding("mailbox-drained", float64(len(got)), "letters, each once")
	s.Finding("mailbox-twice", float64(twice), "letters taken twice")
	s.Finding("mailbox-closed-reports", float64(closedSaid), "consumers told closed")
	s.Say("Close stops new work, not old: what is inside still comes out, and only an")
	s.Say("empty, closed mailbox says closed. Exercise 7's queue keeps these rules.")
	return nil
}
