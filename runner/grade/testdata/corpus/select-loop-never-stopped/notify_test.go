package notify

import (
	"errors"
	"testing"
)

func TestNotifyThenClose(t *testing.T) {
	got := make(chan string, 1)
	d := New(func(ev string) { got <- ev })
	if err := d.Notify("saved"); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if ev := <-got; ev != "saved" {
		t.Fatalf("handler got %q, want %q", ev, "saved")
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := d.Notify("late"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Notify after Close = %v, want ErrClosed", err)
	}
}
