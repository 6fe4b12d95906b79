// Package pool keeps one client per host, created on first use, in the
// style of connection pools and per-tenant client caches.
package pool

import "sync"

// Client is a connection to one host.
type Client struct {
	Host string
}

// Pool hands out one shared client per host.
type Pool struct {
	mu      sync.Mutex
	clients map[string]*Client
	dial    func(host string) *Client
}

// New returns an empty pool that connects with dial.
func New(dial func(host string) *Client) *Pool {
	return &Pool{clients: make(map[string]*Client), dial: dial}
}

// Get returns the client for host, dialling it on first use.
func (p *Pool) Get(host string) *Client {
	p.mu.Lock()
	c, ok := p.clients[host]
	p.mu.Unlock()
	if ok {
		return c
	}
	c = p.dial(host)
	p.mu.Lock()
	p.clients[host] = c
	p.mu.Unlock()
	return c
}
