package registry

import (
	"runtime"
	"slices"
	"testing"
)

func TestHealthyFiltersDown(t *testing.T) {
	r := New(func(addr string) bool { return addr != "10.0.0.2" })
	r.Register("api", "10.0.0.1")
	r.Register("api", "10.0.0.2")
	if got, want := r.Healthy("api"), []string{"10.0.0.1"}; !slices.Equal(got, want) {
		t.Fatalf("Healthy(api) = %v, want %v", got, want)
	}
}

// TestHealthyWhileRegistering checks the fallback while another service
// registers itself during the health checks.
func TestHealthyWhileRegistering(t *testing.T) {
	var r *Registry
	r = New(func(addr string) bool {
		go r.Register("web", "10.0.1.1")
		// Wait until the registration is queued on the lock: TryRLock
		// fails as soon as a writer is waiting.
		for r.mu.TryRLock() {
			r.mu.RUnlock()
			runtime.Gosched()
		}
		return false
	})
	r.Register("api", "10.0.0.1")
	if got, want := r.Healthy("api"), []string{"10.0.0.1"}; !slices.Equal(got, want) {
		t.Fatalf("Healthy(api) = %v, want %v", got, want)
	}
}
