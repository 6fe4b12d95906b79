package timeout

import (
	"sync"
	"testing"
)

func TestQuick(t *testing.T) {}

func TestTransfers(t *testing.T) {
	var a, b sync.Mutex
	var ready, done sync.WaitGroup
	ready.Add(2)
	done.Add(2)
	go func() { defer done.Done(); Transfer(&a, &b, &ready) }()
	go func() { defer done.Done(); Transfer(&b, &a, &ready) }()
	done.Wait()
}
