// Command mapwrites writes one map from two goroutines without a lock.
package main

import "sync"

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1_000_000 {
				m[i%100] = g
			}
		}()
	}
	wg.Wait()
}
