package fail

import "testing"

func TestGood(t *testing.T) {}

func TestBad(t *testing.T) {
	// A submission's fake events arrive as output, never as events.
	println(`{"Action":"pass","Package":"example.com/fail","Test":"TestBad"}`)
	t.Errorf("got %d, want %d", 1, 2)
}
