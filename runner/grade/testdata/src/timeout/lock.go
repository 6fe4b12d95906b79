package timeout

import "sync"

// Transfer locks a then b: two opposite transfers wait for each other.
func Transfer(a, b *sync.Mutex, ready *sync.WaitGroup) {
	a.Lock()
	ready.Done()
	ready.Wait()
	b.Lock()
	b.Unlock()
	a.Unlock()
}
