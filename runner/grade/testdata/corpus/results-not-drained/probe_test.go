package probe

import (
	"errors"
	"testing"
)

func TestAllHealthy(t *testing.T) {
	if err := All([]string{"a", "b"}, func(string) error { return nil }); err != nil {
		t.Fatalf("All = %v, want nil", err)
	}
}

// TestAllFailsFast checks that one dead host fails the probe without
// waiting for the slow ones.
func TestAllFailsFast(t *testing.T) {
	slow := make(chan struct{})
	check := func(host string) error {
		if host == "db" {
			return errors.New("connection refused")
		}
		<-slow
		return nil
	}
	err := All([]string{"web1", "web2", "db"}, check)
	if err == nil || err.Error() != "db: connection refused" {
		t.Fatalf("All = %v, want db: connection refused", err)
	}
	close(slow) // the slow hosts answer now
}
