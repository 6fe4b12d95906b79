package exercises

import "time"

var merge = Exercise{
	Number:  16,
	Slug:    "merge",
	Title:   "Fan-in: merge channels, stop on cancel",
	Lesson:  "patterns",
	Files:   []string{"merge.go"},
	Imports: []string{"context", "reflect", "sync", "sync/atomic"},
	Hints: [3]string{
		"Reading the inputs one after another waits on the first forever if it never closes. Give every input a goroutine of its own that copies it to the output; closing the output is then the job of whoever knows that all the copiers are done.",
		"Count the copiers with a sync.WaitGroup (Add before each go statement, Done when a copier returns) and close the output in one more goroutine, after Wait. A copier waits in two places, for a value and to hand it over; in both, select on ctx.Done() too and return.",
		`Each copier, for one input in:

	for {
		select {
		case v, ok := <-in:
			if !ok {
				return
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		case <-ctx.Done():
			return
		}
	}

and one goroutine runs wg.Wait() and then close(out).`,
	},
	Timeout: 30 * time.Second,
}
