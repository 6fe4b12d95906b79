// Package stats counts requests per path, in the style of the hit
// counters and in-memory metrics that web handlers keep in a plain map.
package stats

import (
	"net/http"
	"sort"
)

// Hits counts requests per URL path.
type Hits struct {
	byPath map[string]int
}

// NewHits returns an empty counter.
func NewHits() *Hits {
	return &Hits{byPath: make(map[string]int)}
}

// Middleware counts every request before handing it to next.
func (h *Hits) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.byPath[r.URL.Path]++
		next.ServeHTTP(w, r)
	})
}

// Paths returns the counted paths, sorted.
func (h *Hits) Paths() []string {
	paths := make([]string, 0, len(h.byPath))
	for p := range h.byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}
