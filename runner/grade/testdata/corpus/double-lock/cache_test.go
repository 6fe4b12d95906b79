package cache

import (
	"strings"
	"testing"
)

func TestGetHit(t *testing.T) {
	c := New(strings.ToUpper)
	c.Set("go", "gopher")
	if got, want := c.Get("go"), "gopher"; got != want {
		t.Fatalf("Get(go) = %q, want %q", got, want)
	}
}

func TestGetMissLoads(t *testing.T) {
	c := New(strings.ToUpper)
	if got, want := c.Get("go"), "GO"; got != want {
		t.Fatalf("Get(go) = %q, want %q", got, want)
	}
	if got, want := c.Len(), 1; got != want {
		t.Fatalf("Len() = %d after a miss, want %d", got, want)
	}
}
