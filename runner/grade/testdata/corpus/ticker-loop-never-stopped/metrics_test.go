package metrics

import (
	"testing"
	"time"
)

func TestCloseFlushes(t *testing.T) {
	var flushed map[string]int
	r := NewReporter(time.Minute, func(c map[string]int) { flushed = c })
	r.Incr("requests")
	r.Incr("requests")
	r.Close()
	if got, want := flushed["requests"], 2; got != want {
		t.Fatalf("flushed requests = %d, want %d", got, want)
	}
}
