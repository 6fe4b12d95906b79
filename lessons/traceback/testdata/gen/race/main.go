// Command race has two data races: two goroutines incrementing a shared
// counter, and main reading a flag a goroutine writes.
package main

import (
	"fmt"
	"sync"
)

var counter int

func increment(wg *sync.WaitGroup) {
	defer wg.Done()
	for range 1000 {
		counter++
	}
}

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go increment(&wg)
	go increment(&wg)
	wg.Wait()

	done := false
	go func() { done = true }()
	for i := 0; i < 1000 && !done; i++ {
		fmt.Print("")
	}
	fmt.Println("counter:", counter)
}
