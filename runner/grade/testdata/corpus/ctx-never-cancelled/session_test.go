package session

import (
	"context"
	"testing"
)

func TestOpenClose(t *testing.T) {
	s := NewStore()
	sess := s.Open(context.Background(), "ann")
	if got := s.Len(); got != 1 {
		t.Fatalf("Len() = %d after Open, want 1", got)
	}
	s.Close(sess)
	if got := s.Len(); got != 0 {
		t.Fatalf("Len() = %d after Close, want 0", got)
	}
}
