package server

import "testing"

func TestDo(t *testing.T) {
	s := Start(t.Context(), t)
	if got, want := s.Do("ping"), "PING"; got != want {
		t.Fatalf("Do(ping) = %q, want %q", got, want)
	}
}
