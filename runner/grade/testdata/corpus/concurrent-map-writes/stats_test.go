package stats

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
)

// TestMiddlewareCountsParallelRequests serves two requests at once, as a
// server does.
func TestMiddlewareCountsParallelRequests(t *testing.T) {
	h := NewHits()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	handler := h.Middleware(ok)

	var wg sync.WaitGroup
	for _, path := range []string{"/home", "/about"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		}()
	}
	wg.Wait()
	if got, want := h.Paths(), []string{"/about", "/home"}; !slices.Equal(got, want) {
		t.Fatalf("Paths() = %v, want %v", got, want)
	}
}
