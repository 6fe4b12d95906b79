// Package racetest is a learner's racy counter and its test, run with
// go test -race -v so that the race report sits among test output.
package racetest

import (
	"sync"
	"testing"
)

type Counter struct{ n int }

func (c *Counter) Inc()       { c.n++ }
func (c *Counter) Value() int { return c.n }

func TestCounter(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				c.Inc()
			}
		}()
	}
	wg.Wait()
	t.Logf("value %d", c.Value())
}

func TestOther(t *testing.T) { t.Log("fine") }
