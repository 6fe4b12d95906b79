package chat

import (
	"runtime"
	"sync"
	"testing"
)

func TestBroadcast(t *testing.T) {
	r := NewRoom("gophers", t.Logf)
	ann := NewUser("ann")
	r.Join(ann)
	r.Broadcast("hello")
	if len(ann.inbox) != 1 {
		t.Fatalf("ann has %d messages, want 1", len(ann.inbox))
	}
}

// TestBroadcastWhileQuitting lets a member quit while a broadcast is under
// way, as happens when a client disconnects.
func TestBroadcastWhileQuitting(t *testing.T) {
	ann := NewUser("ann")
	quitting := make(chan struct{})
	r := NewRoom("gophers", func(format string, args ...any) {
		t.Logf(format, args...)
		close(quitting)
		// Go on once ann's Quit is under way: her lock is taken.
		for ann.mu.TryLock() {
			ann.mu.Unlock()
			runtime.Gosched()
		}
	})
	r.Join(ann)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-quitting
		ann.Quit()
	}()
	r.Broadcast("hello")
	wg.Wait()
}
