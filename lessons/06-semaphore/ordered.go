package semaphore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// Six jobs, three at a time, and the first one is the slowest: they
// finish in the order cat, bee, eel, dog, ant, fox.
const orderedLimit = 3

var orderedWork = []time.Duration{350, 250, 100, 200, 30, 120} // ms, per input

// orderedResults runs six jobs on a buffered-channel semaphore. Each job
// writes its result to its own index, so the results come back in the
// order of the inputs whatever order the jobs finish in.
func orderedResults(ctx context.Context, s *lesson.Stage) error {
	inputs := []string{"ant", "bee", "cat", "dog", "eel", "fox"}
	s.Heading("Shouting %v, %d at a time", inputs, orderedLimit)

	sem := make(chan struct{}, orderedLimit)
	results := make([]string, len(inputs)) // index i belongs to job i alone
	errs := make([]error, len(inputs))
	var (
		mu       sync.Mutex
		finished []int // job indexes in the order they finished
	)
	var inside gauge
	var wg sync.WaitGroup
	for i, in := range inputs {
		sem <- struct{}{} // take a slot before starting the job
		lane := s.Lane(fmt.Sprintf("job %d", i+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }() // give the slot back
			defer lane.Done()
			lane.Acquired(semName)
			inside.enter(1)
			defer func() {
				inside.leave(1)
				lane.Released(semName)
			}()

			if errs[i] = s.Sleep(ctx, orderedWork[i]*time.Millisecond); errs[i] != nil {
				return
			}
			results[i] = strings.ToUpper(in) // no lock: nobody else writes index i
			lane.Printf("%s done", in)
			mu.Lock()
			finished = append(finished, i)
			mu.Unlock()
		}()
	}
	wg.Wait() // every index is written before anyone reads results
	for _, err := range errs {
		if err != nil {
			return err
		}
	}

	order := make([]string, len(finished))
	outOfPlace := 0
	for pos, i := range finished {
		order[pos] = inputs[i]
		if pos != i {
			outOfPlace++
		}
	}
	s.Say("finished in the order %v", order)
	if err := s.Pause(ctx, "and the results: in which order?"); err != nil {
		return err
	}
	s.Say("results:              %v", results)
	inOrder := 1.0
	for i, in := range inputs {
		if results[i] != strings.ToUpper(in) {
			inOrder = 0
		}
	}
	s.Finding("out-of-place", float64(outOfPlace), "of 6 finished out of input order")
	s.Finding("results-in-order", inOrder, "(1 = yes)")
	s.Finding("peak", float64(inside.highest()), "jobs at once")
	s.Say("The order of results comes from where each is stored, not from when it")
	s.Say("arrives. A channel of results would hand them back in finishing order.")
	return nil
}
