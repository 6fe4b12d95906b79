// Command dump parks goroutines in every kind of wait, then waits to be
// sent SIGQUIT (GOTRACEBACK=all) so that the runtime prints them all.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	var (
		mu   sync.Mutex
		rw   sync.RWMutex
		wgA  sync.WaitGroup
		cond = sync.NewCond(&sync.Mutex{})
		send = make(chan int)
		recv = make(chan int)
		sel  = make(chan int)
	)
	mu.Lock()
	go func() { mu.Lock() }() // sync.Mutex.Lock
	rw.Lock()
	go func() { rw.RLock() }() // sync.RWMutex.RLock
	go func() { rw.Lock() }()  // sync.RWMutex.Lock
	wgA.Add(1)
	go func() { wgA.Wait() }()                 // sync.WaitGroup.Wait
	go func() { cond.L.Lock(); cond.Wait() }() // sync.Cond.Wait
	go func() { send <- 1 }()                  // chan send
	go func() { <-recv }()                     // chan receive
	go func() {
		select { // select
		case <-sel:
		case <-recv:
		}
	}()
	go func() { time.Sleep(time.Hour) }() // sleep
	go func() {
		for { // running
		}
	}()
	fmt.Fprintln(os.Stderr, "ready")
	time.Sleep(time.Hour)
}
