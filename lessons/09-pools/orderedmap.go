package pools

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's pool.map: 10 inputs, each a slow task, results in input
// order. Here input i takes (10-i) x 30 ms, so later inputs finish first.
const (
	mapInputs  = 10
	mapWorkers = 4
	mapStep    = 30 * time.Millisecond
)

// orderedMap squares 10 inputs on 4 workers; each result goes to its
// input's slot, so the results come back in input order.
func orderedMap(ctx context.Context, s *lesson.Stage) error {
	inputs := make([]int, mapInputs)
	for i := range inputs {
		inputs[i] = i + 1
	}
	s.Heading("Squaring %v on %d workers", inputs, mapWorkers)

	results := make([]int, len(inputs)) // slot i belongs to input i: no lock needed
	var (
		mu       sync.Mutex
		finished []int // input indexes in the order they finished
	)
	jobs := make(chan int)
	errs := make([]error, mapWorkers)
	var wg sync.WaitGroup
	for w := range mapWorkers {
		lane := s.Lane(fmt.Sprintf("worker %d", w+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			for i := range jobs {
				lane.Acquired(fmt.Sprintf("input %d", inputs[i]))
				err := s.Sleep(ctx, time.Duration(mapInputs-i)*mapStep)
				lane.Released(fmt.Sprintf("input %d", inputs[i]))
				if err != nil {
					errs[w] = err
					continue
				}
				results[i] = inputs[i] * inputs[i] // each worker writes only its own slot
				lane.Printf("input %d done: %d", inputs[i], results[i])
				mu.Lock()
				finished = append(finished, i)
				mu.Unlock()
			}
		}()
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait() // every slot is written before anyone reads results
	if err := firstErr(errs); err != nil {
		return err
	}

	outOfOrder := 0
	for pos, i := range finished {
		if pos != i {
			outOfOrder++
		}
	}
	inOrder := 1.0
	for i, r := range results {
		if r != inputs[i]*inputs[i] {
			inOrder = 0
		}
	}
	s.Say("finished in the order of inputs %v", plusOne(finished))
	if err := s.Pause(ctx, "and the results: in which order?"); err != nil {
		return err
	}
	s.Say("results:                        %v", results)
	s.Finding("first-finished", float64(finished[0]+1), "(input number)")
	s.Finding("out-of-order", float64(outOfOrder), "of 10 finished out of place")
	s.Finding("results-in-order", inOrder, "(1 = yes)")
	s.Say("Order comes from where a result is stored (slot i), not from when it arrives.")
	return nil
}
