// Package registry is a service registry in the style of service-discovery
// clients: a map of service names to addresses behind a sync.RWMutex,
// read by many lookups and written by registrations.
package registry

import "sync"

// Registry maps a service name to the addresses that serve it.
type Registry struct {
	mu       sync.RWMutex
	services map[string][]string
	healthy  func(addr string) bool
}

// New returns an empty registry that filters addresses with healthy.
func New(healthy func(addr string) bool) *Registry {
	return &Registry{services: make(map[string][]string), healthy: healthy}
}

// Register adds addr to the service name.
func (r *Registry) Register(name, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[name] = append(r.services[name], addr)
}

// Lookup returns every address of name.
func (r *Registry) Lookup(name string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]string(nil), r.services[name]...)
}

// Healthy returns the addresses of name that pass the health check, or
// all of them if none does, so that callers always have somewhere to go.
func (r *Registry) Healthy(name string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var up []string
	for _, addr := range r.services[name] {
		if r.healthy(addr) {
			up = append(up, addr)
		}
	}
	if len(up) == 0 {
		return r.Lookup(name)
	}
	return up
}
