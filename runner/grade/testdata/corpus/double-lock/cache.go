// Package cache is a read-through cache in the style of many service
// clients: Get serves a key from memory and loads it on a miss, and Set
// lets callers prime the cache directly.
package cache

import "sync"

// Cache holds loaded values by key.
type Cache struct {
	mu    sync.Mutex
	items map[string]string
	load  func(key string) string
}

// New returns an empty cache that fills itself with load.
func New(load func(key string) string) *Cache {
	return &Cache{items: make(map[string]string), load: load}
}

// Get returns the value for key, loading and storing it on a miss.
func (c *Cache) Get(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.items[key]; ok {
		return v
	}
	v := c.load(key)
	c.Set(key, v)
	return v
}

// Set stores v for key.
func (c *Cache) Set(key, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = v
}

// Len reports how many keys are cached.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
