package rwmutex_test

import (
	"fmt"
	"testing"

	rwmutex "github.com/conclab/conclab/lessons/04-rwmutex"
)

// BenchmarkLocks measures the same table behind a Mutex and an RWMutex,
// for each workload and 1 to 64 goroutines. ns/op is per operation, all
// goroutines together: lower is more throughput.
//
//	go test -run '^$' -bench Locks ./lessons/04-rwmutex/
func BenchmarkLocks(b *testing.B) {
	for _, w := range rwmutex.Workloads {
		for g := 1; g <= 64; g *= 2 {
			b.Run(fmt.Sprintf("%s/goroutines=%d/mutex", w.Name, g), func(b *testing.B) {
				rwmutex.Hammer(&rwmutex.MutexTable{}, w, g, b.N)
			})
			b.Run(fmt.Sprintf("%s/goroutines=%d/rwmutex", w.Name, g), func(b *testing.B) {
				rwmutex.Hammer(&rwmutex.RWTable{}, w, g, b.N)
			})
		}
	}
}
