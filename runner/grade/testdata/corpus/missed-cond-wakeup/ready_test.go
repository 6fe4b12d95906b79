package ready

import "testing"

func TestWaitAfterOpen(t *testing.T) {
	g := NewGate(t.Logf)
	g.Open()
	g.Wait("handler")
}

// TestOpenWhileWaiting opens the gate from the start-up goroutine while a
// handler is on its way into Wait.
func TestOpenWhileWaiting(t *testing.T) {
	opened := make(chan struct{})
	var g *Gate
	g = NewGate(func(format string, args ...any) {
		t.Logf(format, args...)
		go func() {
			g.Open()
			close(opened)
		}()
		<-opened
	})
	g.Wait("handler")
}
