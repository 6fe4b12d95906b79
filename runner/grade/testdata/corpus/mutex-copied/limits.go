// Package limits counts API calls per client against a quota, in the
// style of small rate limiters whose methods were written on a value
// receiver.
package limits

import "sync"

// Quota allows each client a number of calls.
type Quota struct {
	mu    sync.Mutex
	max   int
	calls map[string]int
}

// NewQuota allows max calls per client.
func NewQuota(max int) Quota {
	return Quota{max: max, calls: make(map[string]int)}
}

// Allow records a call by client and reports whether it is within quota.
func (q Quota) Allow(client string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.calls[client] >= q.max {
		return false
	}
	q.calls[client]++
	return true
}

// Used reports how many calls client has made.
func (q Quota) Used(client string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.calls[client]
}
