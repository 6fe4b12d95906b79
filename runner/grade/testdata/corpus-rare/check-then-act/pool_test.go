package pool

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestGetSharesClient has two requests ask for the same host at once.
func TestGetSharesClient(t *testing.T) {
	var dials atomic.Int32
	p := New(func(host string) *Client {
		dials.Add(1)
		return &Client{Host: host}
	})
	start := make(chan struct{})
	got := make([]*Client, 2)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i] = p.Get("db")
		}()
	}
	close(start)
	wg.Wait()
	if n := dials.Load(); n != 1 {
		t.Fatalf("dialled db %d times, want once", n)
	}
	if got[0] != got[1] {
		t.Fatalf("two requests got two different clients for db")
	}
}
