// Package leaktest leaks goroutines blocked on a channel; goleak reports
// them after the tests.
package leaktest

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func produce(ch chan<- int) {
	for i := 0; ; i++ {
		ch <- i
	}
}

func TestFirst(t *testing.T) {
	ch := make(chan int)
	go produce(ch)
	go func() { time.Sleep(time.Hour) }()
	if got := <-ch; got != 0 {
		t.Fatal(got)
	}
}
